import { z } from 'zod'

/**
 * Row-level problems found while reading, mapping and normalising a department's batch.
 * They are data, not exceptions: each is stored with the batch and shown to the clerk beside the row.
 * An `error` refuses the row; a `warning` keeps the row and flags the value.
 * Codes are stable: a retired code is never reused (docs/errors.md lists them).
 */
export const ProblemCodes = {
  REQUIRED: { zh: '必填项为空', en: 'required value is blank' },
  TOO_LONG: { zh: '内容过长', en: 'value is too long' },
  BAD_CHARACTERS: { zh: '含有无法识别的字符', en: 'value holds unreadable characters' },
  ID_FORMAT: {
    zh: '身份证号格式错误，应为18位或15位',
    en: 'resident id is not 18 or 15 characters of the right form',
  },
  ID_CHECKSUM: { zh: '身份证号校验位错误', en: 'resident id check digit is wrong' },
  ID_BIRTHDATE: { zh: '身份证号中的出生日期无效', en: 'resident id holds an impossible birth date' },
  ID_AREA: { zh: '身份证号中的地区码无效', en: 'resident id holds an unknown area code' },
  CREDIT_FORMAT: { zh: '统一社会信用代码格式错误', en: 'credit code is not 18 characters of the right form' },
  CREDIT_CHECKSUM: { zh: '统一社会信用代码校验位错误', en: 'credit code check character is wrong' },
  PHONE_FORMAT: { zh: '电话号码无法识别', en: 'phone number not recognised' },
  DATE_FORMAT: { zh: '日期无法识别', en: 'date not recognised' },
  DATE_RANGE: { zh: '日期超出合理范围', en: 'date out of range' },
  GENDER_VALUE: { zh: '性别应为男/女或1/2', en: 'gender must be 男/女 or 1/2' },
  GENDER_CONFLICT: { zh: '性别与身份证号不一致', en: 'gender disagrees with the resident id' },
  BIRTHDATE_CONFLICT: { zh: '出生日期与身份证号不一致', en: 'birth date disagrees with the resident id' },
  NUMBER_FORMAT: { zh: '数字格式错误', en: 'not a number' },
  ENUM_VALUE: { zh: '取值不在允许范围内', en: 'value not among the allowed ones' },
  ADDRESS_UNPARSED: {
    zh: '地址无法解析到道路或小区',
    en: 'address could not be parsed to a road or compound',
  },
  ADDRESS_OUTSIDE: { zh: '地址不在本辖区', en: 'address lies outside the district' },
  DUPLICATE_ROW: { zh: '与本批次第{detail}行完全重复', en: 'repeats row {detail} of this batch' },
  DUPLICATE_RECORD_ID: {
    zh: '记录编号与本批次第{detail}行相同，但内容不同',
    en: 'record id repeats row {detail} of this batch with other content',
  },
  FORMULA: { zh: '单元格含公式，已按文本保存', en: 'cell holds a formula; kept as text' },
  GRID_OUTSIDE: { zh: '网格编码不在您负责的网格内', en: 'grid code is not one of the grids you serve' },
} as const

export type ProblemCode = keyof typeof ProblemCodes
export type Severity = 'error' | 'warning'
export type Lang = 'zh' | 'en'

export const ProblemSchema = z.object({
  row: z.number().int(), // 1-based row number in the file as the clerk sees it (header row counted)
  column: z.string().nullable(), // the header as written in the file, or null for the whole row
  code: z.enum(Object.keys(ProblemCodes) as [ProblemCode, ...ProblemCode[]]),
  severity: z.enum(['error', 'warning']),
  detail: z.string().optional(), // e.g. "first seen at row 12"; never a resident id or phone
})
export type Problem = z.infer<typeof ProblemSchema>

/** What a normaliser says about one value: the normalised value, or null with the reason. */
export interface Normalized<T> {
  value: T | null
  problem?: { code: ProblemCode; severity: Severity; detail?: string }
}

/** The clerk-facing message: `{detail}` filled in where the message names it, else the detail in brackets. */
export const problemMessage = (p: Pick<Problem, 'code' | 'detail'>, lang: Lang = 'zh'): string => {
  const base: string = ProblemCodes[p.code][lang]
  if (base.includes('{detail}')) return base.replace('{detail}', p.detail ?? '?')
  if (!p.detail) return base
  return lang === 'zh' ? `${base}（${p.detail}）` : `${base} (${p.detail})`
}
