/**
 * The 56 recognised ethnic groups (GB/T 3304-1991, codes 01-56), written in full: 汉 / 汉族 / 01 → 汉族.
 * Anything else that is not blank (穿青人, 其他, 外国血统, a typo) is kept as written, cleaned, with an
 * ENUM_VALUE warning: it is real information (穿青人 is what Guizhou registers write), not a reason to
 * refuse the row, and a steward can map it later.
 */
import type { Normalized } from '../../schemas/problem.ts'
import { cleanText, isEmptyValue } from './text.ts'

// In GB/T 3304 code order: index + 1 is the code.
// rows of ten, as the standard's table
// prettier-ignore
export const ETHNIC_GROUPS = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族',
  '满族', '侗族', '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族',
  '佤族', '畲族', '高山族', '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族',
  '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族',
  '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族',
  '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
] as const

export type EthnicGroup = (typeof ETHNIC_GROUPS)[number]

const LOOKUP = new Map<string, EthnicGroup>()
ETHNIC_GROUPS.forEach((group, i) => {
  const code = String(i + 1)
  LOOKUP.set(group, group)
  LOOKUP.set(group.slice(0, -1), group) // 汉, 回, 维吾尔
  LOOKUP.set(code, group) // 1
  LOOKUP.set(code.padStart(2, '0'), group) // 01
})
// Short forms in everyday use, and traditional spellings a converter might have missed.
// a lookup table
// prettier-ignore
const COLLOQUIAL: Record<string, EthnicGroup> = {
  蒙: '蒙古族', 蒙族: '蒙古族', 维: '维吾尔族', 维族: '维吾尔族', 漢: '汉族', 漢族: '汉族',
  僳僳族: '傈僳族', 朝族: '朝鲜族', 土家: '土家族', 纳西: '纳西族', 俄族: '俄罗斯族',
}
for (const [written, group] of Object.entries(COLLOQUIAL)) LOOKUP.set(written, group)

const MAX_LENGTH = 50

/** Blank or placeholder → null; a known group → its full name; anything else → kept, ENUM_VALUE warning. */
export const normalizeEthnicity = (raw: string): Normalized<string> => {
  if (raw.length > MAX_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'warning' } }
  if (isEmptyValue(raw)) return { value: null }
  const text = cleanText(raw)!.replace(/ /g, '')
  const group = LOOKUP.get(text)
  return group ? { value: group } : { value: text, problem: { code: 'ENUM_VALUE', severity: 'warning' } }
}
