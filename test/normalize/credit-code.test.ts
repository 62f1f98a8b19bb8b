import { describe, expect, test } from 'vitest'
import { creditCodeCheckChar, normalizeCreditCode, regNoCheckDigit } from '../../src/normalize/credit-code.ts'

describe('creditCodeCheckChar (GB 32100-2015)', () => {
  test.each([
    ['91350100M000100Y4', '3'], // the standard's sample 91350100M000100Y43
    ['91320102MA1XY2345', 'H'],
    ['12100000400000624', 'D'],
  ])('%s → %s', (first17, expected) => {
    expect(creditCodeCheckChar(first17)).toBe(expected)
  })

  test('rejects characters outside the code set', () => {
    expect(() => creditCodeCheckChar('91350100M000100I4')).toThrow()
  })
})

describe('regNoCheckDigit (ISO 7064 MOD 11,10)', () => {
  // 11010800000001: P runs 10→2→6→1→4→8→1→2→4→8→5→10→9→7→5; check (11 − 5) mod 10 = 6.
  test.each([
    ['11010800000001', '6'],
    ['32010200012345', '9'],
  ])('%s → %s', (first14, expected) => {
    expect(regNoCheckDigit(first14)).toBe(expected)
  })
})

describe('normalizeCreditCode', () => {
  test.each([
    ['91350100M000100Y43', { value: '91350100M000100Y43', kind: 'uscc', valid: true }],
    ['91350100m000100y43', { value: '91350100M000100Y43', kind: 'uscc', valid: true }], // lower case
    [' 9135 0100 M000 100Y 43 ', { value: '91350100M000100Y43', kind: 'uscc', valid: true }], // spaces
    ['９１３５０１００Ｍ０００１００Ｙ４３', { value: '91350100M000100Y43', kind: 'uscc', valid: true }], // full width
    ['91350100MOOO100Y43', { value: '91350100M000100Y43', kind: 'uscc', valid: true }], // O typed for 0
    ['91320102MA1XY2345H', { value: '91320102MA1XY2345H', kind: 'uscc', valid: true }],
    ['12100000400000624D', { value: '12100000400000624D', kind: 'uscc', valid: true }],
    ['110108000000016', { value: '110108000000016', kind: 'regno', valid: true }],
    ['320102000123459', { value: '320102000123459', kind: 'regno', valid: true }],
  ])('%j is valid', (input, expected) => {
    expect(normalizeCreditCode(input)).toEqual({ value: expected })
  })

  test.each([
    ['91350100M000100Y44', { value: '91350100M000100Y44', kind: 'uscc', valid: false }],
    ['91350100M000200Y43', { value: '91350100M000200Y43', kind: 'uscc', valid: false }],
    ['110108000000017', { value: '110108000000017', kind: 'regno', valid: false }],
  ])('%j: wrong check, kept with a warning', (input, expected) => {
    expect(normalizeCreditCode(input)).toEqual({
      value: expected,
      problem: { code: 'CREDIT_CHECKSUM', severity: 'warning' },
    })
  })

  test.each([
    ['91350100M000100Y4'], // 17 characters
    ['91350100M000100Y433'], // 19
    ['91350100M000100Z43'], // Z is not a code character
    ['91350100MOOO100Y44'], // O that does not make the code check stays an error
    ['1234567-8'], // an organisation code, not a credit code
    ['11010800000001X'], // 15 characters but not digits
    ['某某公司'],
  ])('%j: wrong shape', (input) => {
    expect(normalizeCreditCode(input)).toEqual({
      value: null,
      problem: { code: 'CREDIT_FORMAT', severity: 'error' },
    })
  })

  test.each(['', '无', '  '])('blank %j → null without a problem', (input) => {
    expect(normalizeCreditCode(input)).toEqual({ value: null })
  })

  test('too long', () => {
    expect(normalizeCreditCode('9'.repeat(5000))).toEqual({
      value: null,
      problem: { code: 'TOO_LONG', severity: 'error' },
    })
  })
})
