import type { Column, ValueParser } from '../../connectors/index.ts'
import type { PartialDate } from '../../schemas/mentions.ts'
import type { Normalized } from '../../schemas/problem.ts'
import { parseAddress } from '../normalize/address/index.ts'
import { normalizeCreditCode } from '../normalize/credit-code.ts'
import { normalizeDocumentNumber } from '../normalize/document.ts'
import { parseDate } from '../normalize/date.ts'
import { normalizeEthnicity } from '../normalize/ethnicity.ts'
import { normalizeGender } from '../normalize/gender.ts'
import { normalizeOrgName, normalizePersonName } from '../normalize/name.ts'
import { normalizePhones } from '../normalize/phone.ts'
import { normalizeResidentId } from '../normalize/resident-id.ts'
import { cleanText, toHalfWidth } from '../normalize/text.ts'

export interface ParseContext {
  /** 6-digit district assumed for addresses that name none */
  defaultDistrict?: string
  /** the file is a spreadsheet: a 4-5 digit number in a date column is an Excel date serial */
  excelDates?: boolean
}

/** What an id column holds when it is not a resident id: a passport or permit number. */
export interface IdentityDocument {
  document: string
}

const ok = <T>(value: T | null): Normalized<T> => ({ value })

const LIST_SEPARATOR = /[、,，;；/|]+/

/** A count or an area as clerks write them: full-width digits, thousands commas, a unit after it (30㎡, 3人). */
const NUMBER_WITH_UNIT = /^([+-]?\d+(?:\.\d+)?)(?:㎡|m2|m²|平方米|平米|平|人|口|个|户)?$/i
const parseNumber = (text: string, integer: boolean): Normalized<number> => {
  const match = NUMBER_WITH_UNIT.exec(toHalfWidth(text).replace(/[,，\s]/g, ''))
  const n = match ? Number(match[1]) : Number.NaN
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    return { value: null, problem: { code: 'NUMBER_FORMAT', severity: 'warning' } }
  return ok(n)
}

const parseEnum = (text: string, column: Column): Normalized<string> => {
  for (const [canonical, aliases] of Object.entries(column.values ?? {})) {
    if (text === canonical || aliases.includes(text)) return ok(canonical)
  }
  // an unexpected value is kept as written: the clerk's system may know a category we do not
  return { value: text, problem: { code: 'ENUM_VALUE', severity: 'warning' } }
}

/**
 * Turns one non-blank cell into its normalised value by the column's parser.
 * Values whose meaning is lost on a problem (an unreadable id) come back null with the problem.
 */
export const parseValue = (
  parser: ValueParser,
  text: string,
  column: Column,
  ctx: ParseContext,
): Normalized<unknown> => {
  switch (parser) {
    case 'text':
      return ok(cleanText(text))
    case 'person_name':
      return normalizePersonName(text)
    case 'org_name':
      return normalizeOrgName(text)
    case 'resident_id': {
      const id = normalizeResidentId(text)
      if (id.value !== null || id.problem?.code !== 'ID_FORMAT') return id
      const document = normalizeDocumentNumber(text)
      return document === null ? id : ok<IdentityDocument>({ document })
    }
    case 'credit_code':
      return normalizeCreditCode(text)
    case 'phone':
      return normalizePhones(text)
    case 'date':
      return parseDate(text, { excelSerial: ctx.excelDates ?? false }) as Normalized<PartialDate>
    case 'gender':
      return normalizeGender(text)
    case 'ethnicity':
      return normalizeEthnicity(text)
    case 'address': {
      // Not memoised: a register repeats an address text on about one cell in ten, and a memo of parsed
      // addresses kept each long enough to be copied out of the young generation, and made V8 allocate
      // every parsed address in the old one: a million-row load's worker then spent twice as long in
      // garbage collection (docs/benchmarks.md). The division prefix, which does repeat, is memoised
      // within parseAddress.
      const parsed = parseAddress(text, { defaultDistrict: ctx.defaultDistrict })
      // a hukou far away is the point of a migrant's record, not a problem with it
      return column.region === 'anywhere' && parsed.problem?.code === 'ADDRESS_OUTSIDE'
        ? { value: parsed.value }
        : parsed
    }
    case 'integer':
      return parseNumber(text, true)
    case 'decimal':
      return parseNumber(text, false)
    case 'list': {
      const items = text
        .split(LIST_SEPARATOR)
        .map((s) => cleanText(s))
        .filter((s): s is string => s !== null)
      return ok(items.length > 0 ? [...new Set(items)] : null)
    }
    case 'enum': {
      const t = cleanText(text)
      return t === null ? ok(null) : parseEnum(t, column)
    }
  }
}
