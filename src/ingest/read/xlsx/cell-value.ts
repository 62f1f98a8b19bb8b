/** Turning SpreadsheetML cell values into the strings the mapping layer expects. */

/**
 * Built-in date formats: 14-22 and 45-47 everywhere; 27-36 and 50-58 are the date formats of the
 * Chinese (and other East Asian) Excel locales, e.g. 31 = yyyy"年"m"月"d"日", common in our files.
 */
function isBuiltinDateFormat(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
}

/**
 * A custom format shows a date when it holds y, m, d or h outside quoted text, escapes (\x), fill and
 * padding characters (*x, _x) and bracketed parts such as [Red], [$-804] or [DBNum1].
 */
export function isDateFormat(id: number, code: string | undefined): boolean {
  if (code === undefined || code === '') return isBuiltinDateFormat(id)
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[*_]./g, '')
    .replace(/\[[^\]]*\]/g, '')
  // Only the positive-number section decides; later sections may be text.
  const firstSection = bare.split(';')[0] ?? ''
  return /[ymdh]/i.test(firstSection)
}

const MS_PER_DAY = 86_400_000
/** 1899-12-30: serial 0 in the 1900 system once the phantom 1900-02-29 is accounted for. */
const EPOCH_1900 = Date.UTC(1899, 11, 30)
const EPOCH_1904 = Date.UTC(1904, 0, 1)
/** Serial of 9999-12-31 in the 1900 system; Excel shows ##### beyond it. */
const MAX_SERIAL = 2_958_465

/**
 * Serial day number → 'YYYY-MM-DD'. The 1900 system copies Lotus 1-2-3's belief that 1900 was a leap
 * year: serial 60 is the fictitious 1900-02-29 and serials 1-59 are one day later than a plain count.
 * Times of day are dropped. Returns undefined for serials no date format can show.
 */
export function serialToIsoDate(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial > MAX_SERIAL) return undefined
  // Round to the millisecond first so 0.99999999999 of a day does not fall back a day through float noise.
  const days = Math.floor(Math.round(serial * MS_PER_DAY) / MS_PER_DAY)
  if (date1904) return isoDate(new Date(EPOCH_1904 + days * MS_PER_DAY))
  if (days === 60) return '1900-02-29'
  // Serial 0 is Excel's "1900-01-00", usually a bare time of day: no date to give.
  if (days === 0) return undefined
  return isoDate(new Date(EPOCH_1900 + (days < 60 ? days + 1 : days) * MS_PER_DAY))
}

function isoDate(date: Date): string {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth() + 1
  const d = date.getUTCDate()
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}

/**
 * The shortest text that reads back as the same double: Excel writes up to 17 digits
 * ("0.10000000000000001"). A long id stored as a number has already lost digits in the file.
 */
export function formatNumber(raw: string): string {
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value)) return raw
  return String(value)
}

/** 'AB12' → 0-based column 27; undefined when the reference is not a plain cell reference. */
export function columnFromRef(ref: string): number | undefined {
  let column = 0
  let i = 0
  for (; i < ref.length; i++) {
    const code = ref.charCodeAt(i)
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64)
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96)
    else break
  }
  // Excel stops at XFD (16384 columns); larger indexes are a crafted file.
  if (i === 0 || i > 3 || column > 16_384) return undefined
  return column - 1
}
