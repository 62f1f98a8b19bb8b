/**
 * Resident identity numbers (公民身份号码, GB 11643-1999): 6-digit area code, 8-digit birth date,
 * 3-digit sequence (odd = male), ISO 7064 MOD 11-2 check character. Old 15-digit ids (before 1999)
 * have a 6-digit birth date without the century and no check character.
 * Never put an id into a problem detail: it is personal data.
 */
import type { Normalized } from '../../schemas/problem.ts'
import { isoDay, isRealDate, MIN_YEAR, todayIso } from './calendar.ts'
import { isEmptyValue, toHalfWidth } from './text.ts'

export interface ResidentId {
  value: string // 18 characters, upper-case X
  valid: boolean // check character right and area code plausible
  from15: boolean // written as an old 15-digit id
  birthDate: string // YYYY-MM-DD
  gender: 'M' | 'F'
  areaCode: string // 6 digits: where the id was first issued
}

const MAX_RAW_LENGTH = 200
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CHARS = '10X98765432'
const ID18 = /^\d{17}[\dX]$/
const ID15 = /^\d{15}$/
// Spaces, dashes and the apostrophe Excel users type to keep the digits as text.
const SEPARATORS = /[\s\-'‘’`]/g

// First two digits: provinces (GB/T 2260) plus 71 Taiwan, 81/82 Hong Kong/Macao, 83 Taiwan residence permits.
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
])

/** The 18th character for the first 17 digits (ISO 7064 MOD 11-2). */
export const residentIdCheckDigit = (first17: string): string => {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('residentIdCheckDigit needs exactly 17 digits')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i]!
  return CHECK_CHARS[sum % 11]!
}

/** Half-width, upper-case, no separators. Cheap enough to run on every row. */
const compact = (raw: string): string => toHalfWidth(raw).replace(SEPARATORS, '').toUpperCase()

/** Upgrades a 15-digit id: insert the century 19 and append the check character. */
const expand15 = (id15: string): string => {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`
  return first17 + residentIdCheckDigit(first17)
}

/** Parse, upgrade 15 → 18, verify. Blank or placeholder → value null without a problem. */
export const normalizeResidentId = (raw: string): Normalized<ResidentId> => {
  if (raw.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (isEmptyValue(raw)) return { value: null }
  const id = compact(raw)
  let value: string
  let from15 = false
  if (ID18.test(id)) value = id
  else if (ID15.test(id)) {
    value = expand15(id)
    from15 = true
  } else {
    return { value: null, problem: { code: 'ID_FORMAT', severity: 'error' } }
  }

  const y = Number(value.slice(6, 10))
  const m = Number(value.slice(10, 12))
  const d = Number(value.slice(12, 14))
  const birthDate = isoDay(y, m, d)
  if (y < MIN_YEAR || !isRealDate(y, m, d) || birthDate > todayIso()) {
    return { value: null, problem: { code: 'ID_BIRTHDATE', severity: 'error' } }
  }

  const gender = (value.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F'
  const areaCode = value.slice(0, 6)
  const checksumOk = from15 || value[17] === residentIdCheckDigit(value.slice(0, 17))
  const areaOk = PROVINCES.has(Number(value.slice(0, 2)))
  const result: ResidentId = { value, valid: checksumOk && areaOk, from15, birthDate, gender, areaCode }
  // Kept with a warning: matching can still use an id one typo away from another.
  if (!checksumOk) return { value: result, problem: { code: 'ID_CHECKSUM', severity: 'warning' } }
  if (!areaOk) return { value: result, problem: { code: 'ID_AREA', severity: 'warning' } }
  return { value: result }
}

/** One id however written: 15 vs 18 digits, lower-case x, full-width digits, spaces. */
export const sameResidentId = (a: string, b: string): boolean => {
  const ka = canonicalKey(a)
  return ka !== null && ka === canonicalKey(b)
}

// The 18-digit spelling when the shape allows it, without date or checksum checks.
const canonicalKey = (raw: string): string | null => {
  if (raw.length > MAX_RAW_LENGTH) return null
  const id = compact(raw)
  if (ID18.test(id)) return id
  if (ID15.test(id)) return expand15(id)
  return null
}

/** 320102********1234: area code and last four, as scopes that see ids masked show them. */
export const maskResidentId = (id: string): string =>
  id.length <= 10 ? '*'.repeat(id.length) : id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4)
