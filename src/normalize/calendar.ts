/** Calendar helpers shared by the date and resident-id normalisers. Local time: the hub runs in China. */

export const MIN_YEAR = 1900

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

export const daysInMonth = (y: number, m: number): number =>
  m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m - 1] ?? 0)

export const isRealDate = (y: number, m: number, d: number): boolean =>
  Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))
export const isoDay = (y: number, m: number, d: number): string => `${y}-${pad2(m)}-${pad2(d)}`
export const isoMonth = (y: number, m: number): string => `${y}-${pad2(m)}`

const localIso = (t: Date): string => isoDay(t.getFullYear(), t.getMonth() + 1, t.getDate())

// Rows are normalised by the million: recompute "today" at most once a minute, not per call.
let cachedAt = 0
let cachedToday = ''
let cachedTomorrow = ''
const refresh = (): void => {
  const now = Date.now()
  if (cachedToday && now >= cachedAt && now - cachedAt < 60_000) return // clocks can be set back
  cachedAt = now
  const t = new Date(now)
  cachedToday = localIso(t)
  t.setDate(t.getDate() + 1)
  cachedTomorrow = localIso(t)
}

/** Today as YYYY-MM-DD (local time). */
export const todayIso = (): string => {
  refresh()
  return cachedToday
}

/** Tomorrow as YYYY-MM-DD: the latest date a record may carry (a day of slack for time zones). */
export const tomorrowIso = (): string => {
  refresh()
  return cachedTomorrow
}
