import { describe, expect, it } from 'vitest'
import { canonicalNumber, chineseToArabic, cleanAddressText } from '../../../src/normalize/address/text.ts'

describe('chineseToArabic', () => {
  it.each([
    ['三', '3'],
    ['十', '10'],
    ['十二', '12'],
    ['二十', '20'],
    ['二十三', '23'],
    ['一百零一', '101'],
    ['一〇一', '101'],
    ['三零二', '302'],
    ['两', '2'],
    ['一千二百', '1200'],
  ])('%s → %s', (cn, n) => expect(chineseToArabic(cn)).toBe(n))
})

describe('cleanAddressText', () => {
  it.each([
    ['贡院街１２号', '贡院街12号'],
    ['ａ座　３０１', 'A座301'],
    ['贡院街 12号（夫子庙旁）3栋', '贡院街12号3栋'],
    ['12－3—2', '12-3-2'],
    ['贡院街12号，3栋、301', '贡院街12号3栋301'],
    ['贡院街12号', '贡院街12号'],
  ])('%s → %s', (raw, clean) => expect(cleanAddressText(raw)).toBe(clean))
})

describe('canonicalNumber', () => {
  it.each([
    ['0301', '301'],
    ['0', '0'],
    ['A01', 'A01'],
  ])('%s → %s', (raw, n) => expect(canonicalNumber(raw)).toBe(n))
})
