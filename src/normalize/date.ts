/**
 * Dates as departments write them, with their precision: 1985-03-02, 1985/3/2, 19850302, 1985年3月2日,
 * 1985.03.02, 1985-3-2 0:00:00, Excel serials (31108), months (1950.03, 1950年3月, 195003), years (1950年).
 */
import type { PartialDate } from '../../schemas/mentions.ts'
import type { Normalized } from '../../schemas/problem.ts'
import { isoDay, isoMonth, isRealDate, MIN_YEAR, tomorrowIso } from './calendar.ts'
import { isEmptyValue, toHalfWidth } from './text.ts'

export interface ParseDateOptions {
  /** The column holds Excel serial numbers: read a 4-5 digit numeric string as one. */
  excelSerial?: boolean
}

const MAX_RAW_LENGTH = 200
// Anchored, each quantifier bounded or over a class its neighbour cannot match: no backtracking trap.
const TIME_PART = String.raw`(?:[ T]+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2}(?:\.\d{1,6})?秒?)?(?:Z|[+-]\d{2}:?\d{2})?)?`
const DAY = new RegExp(String.raw`^(\d{4}) ?[-/.年] ?(\d{1,2}) ?[-/.月] ?(\d{1,2}) ?[日号]?${TIME_PART}$`)
const MONTH = /^(\d{4}) ?[-/.年] ?(\d{1,2}) ?月?$/
const YEAR = /^(\d{4}) ?年?$/
const COMPACT_DAY = /^(\d{4})(\d{2})(\d{2})$/
const COMPACT_MONTH = /^(\d{4})(\d{2})$/
const SERIAL = /^\d{4,5}(?:\.\d+)?$/

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30)
const DAY_MS = 86_400_000
const LOTUS_LEAP_DAY = 60 // Excel's 1900-02-29, which never was

const formatError = (): Normalized<PartialDate> => ({
  value: null,
  problem: { code: 'DATE_FORMAT', severity: 'error' },
})
const rangeError = (): Normalized<PartialDate> => ({
  value: null,
  problem: { code: 'DATE_RANGE', severity: 'error' },
})

const currentYear = (): number => Number(tomorrowIso().slice(0, 4))

/** Checks the calendar and the range 1900-01-01 .. tomorrow, comparing the first day of the period. */
const build = (y: number, m: number | null, d: number | null): Normalized<PartialDate> => {
  if (m !== null && (m < 1 || m > 12)) return formatError()
  if (m !== null && d !== null && !isRealDate(y, m, d)) return formatError()
  if (y < MIN_YEAR) return rangeError()
  const value = m === null ? String(y) : d === null ? isoMonth(y, m) : isoDay(y, m, d)
  const start = m === null ? `${y}-01-01` : d === null ? `${value}-01` : value
  if (start > tomorrowIso()) return rangeError()
  return { value: { value, precision: m === null ? 'year' : d === null ? 'month' : 'day' } }
}

/** Excel 1900 date system: serial 1 is 1900-01-01, and 60 is the fictitious 1900-02-29 (Lotus bug). */
const fromExcelSerial = (serial: number): Normalized<PartialDate> => {
  const whole = Math.floor(serial) // a fraction is the time of day
  if (whole < 1) return rangeError()
  if (whole === LOTUS_LEAP_DAY) return formatError()
  // Serials before the fake leap day are one day "late": shift them back onto the real calendar.
  const t = new Date(EXCEL_EPOCH_MS + (whole < LOTUS_LEAP_DAY ? whole + 1 : whole) * DAY_MS)
  return build(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

/** A plausible year (1900 .. this year) written alone is a year, even where serials are expected. */
const isPlainYear = (n: number): boolean => Number.isInteger(n) && n >= MIN_YEAR && n <= currentYear()

const parseDigits = (s: string, excelSerial: boolean): Normalized<PartialDate> | null => {
  if (s.length === 4 && (!excelSerial || isPlainYear(Number(s)))) return build(Number(s), null, null)
  let m = COMPACT_DAY.exec(s)
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]))
  m = COMPACT_MONTH.exec(s)
  if (m) return build(Number(m[1]), Number(m[2]), null)
  if (excelSerial && SERIAL.test(s)) return fromExcelSerial(Number(s))
  return null
}

/**
 * Blank or placeholder → value null without a problem. Numbers are Excel serials unless they read as
 * a year (1950), a month (195003) or a day (19850302). Impossible dates (1985-02-30) → DATE_FORMAT;
 * before 1900 or after tomorrow → DATE_RANGE.
 */
export const parseDate = (raw: string | number, opts: ParseDateOptions = {}): Normalized<PartialDate> => {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return formatError()
    const digits = Number.isInteger(raw) ? String(raw) : ''
    const asDigits = digits ? parseDigits(digits, true) : null
    return asDigits ?? fromExcelSerial(raw)
  }
  if (raw.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (isEmptyValue(raw)) return { value: null }
  const s = toHalfWidth(raw).trim().replace(/\s+/g, ' ')

  if (/^\d+$/.test(s)) return parseDigits(s, opts.excelSerial === true) ?? formatError()
  let m = DAY.exec(s)
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]))
  m = MONTH.exec(s)
  if (m) return build(Number(m[1]), Number(m[2]), null)
  m = YEAR.exec(s)
  if (m) return build(Number(m[1]), null, null)
  if (opts.excelSerial && SERIAL.test(s)) return fromExcelSerial(Number(s))
  return formatError()
}

/**
 * Two dates agree when they are equal at the coarser precision: 1950-03 agrees with 1950-03-17,
 * 1950 with any day of 1950.
 */
export const partialDatesAgree = (a: PartialDate, b: PartialDate): boolean => {
  const [shorter, longer] = a.value.length <= b.value.length ? [a.value, b.value] : [b.value, a.value]
  return longer.startsWith(shorter) && (longer.length === shorter.length || longer[shorter.length] === '-')
}

/** Orders by the first day of each period; equal starts order the coarser precision first. */
export const comparePartialDates = (a: PartialDate, b: PartialDate): number =>
  a.value < b.value ? -1 : a.value > b.value ? 1 : 0
