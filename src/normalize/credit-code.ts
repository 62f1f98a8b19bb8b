/**
 * Unit identifiers: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015) and the
 * old 15-digit business registration number (工商注册号, GS15-2006) that sole traders still carry.
 */
import type { Normalized } from '../../schemas/problem.ts'
import { isEmptyValue, toHalfWidth } from './text.ts'

export interface CreditCode {
  value: string
  kind: 'uscc' | 'regno'
  valid: boolean
}

const MAX_RAW_LENGTH = 200
// GB 32100: digits and upper-case letters without I, O, S, V, Z. A character's value is its index.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/
const REGNO = /^\d{15}$/
const SEPARATORS = /[\s\-'‘’`]/g

const usccValue = (c: string): number => USCC_CHARS.indexOf(c)

/** The 18th character of a USCC for its first 17 (weights 3^i mod 31, check = 31 − sum mod 31). */
export const creditCodeCheckChar = (first17: string): string => {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17))
    throw new TypeError('creditCodeCheckChar needs 17 code characters')
  let sum = 0
  for (let i = 0; i < 17; i++) sum += usccValue(first17[i]!) * USCC_WEIGHTS[i]!
  return USCC_CHARS[(31 - (sum % 31)) % 31]!
}

/** The 15th digit of a registration number for its first 14 (ISO 7064 MOD 11,10 hybrid). */
export const regNoCheckDigit = (first14: string): string => {
  if (!/^\d{14}$/.test(first14)) throw new TypeError('regNoCheckDigit needs 14 digits')
  let p = 10
  for (let i = 0; i < 14; i++) {
    const s = (p + first14.charCodeAt(i) - 48) % 10 || 10
    p = (s * 2) % 11
  }
  return String((11 - p) % 10)
}

const usccOk = (code: string): boolean => code[17] === creditCodeCheckChar(code.slice(0, 17))

/** Verify and classify. Blank or placeholder → value null without a problem. */
export const normalizeCreditCode = (raw: string): Normalized<CreditCode> => {
  if (raw.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (isEmptyValue(raw)) return { value: null }
  const code = toHalfWidth(raw).replace(SEPARATORS, '').toUpperCase()

  if (code.length === 18) {
    if (USCC.test(code)) {
      const valid = usccOk(code)
      if (valid) return { value: { value: code, kind: 'uscc', valid } }
      return {
        value: { value: code, kind: 'uscc', valid },
        problem: { code: 'CREDIT_CHECKSUM', severity: 'warning' },
      }
    }
    // O and I are not code characters; typed for 0 and 1 they are read as such when that makes the code check.
    const repaired = code.replace(/O/g, '0').replace(/I/g, '1')
    if (repaired !== code && USCC.test(repaired) && usccOk(repaired)) {
      return { value: { value: repaired, kind: 'uscc', valid: true } }
    }
  }
  if (REGNO.test(code)) {
    const valid = code[14] === regNoCheckDigit(code.slice(0, 14))
    if (valid) return { value: { value: code, kind: 'regno', valid } }
    return {
      value: { value: code, kind: 'regno', valid },
      problem: { code: 'CREDIT_CHECKSUM', severity: 'warning' },
    }
  }
  return { value: null, problem: { code: 'CREDIT_FORMAT', severity: 'error' } }
}
