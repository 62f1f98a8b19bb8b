import { describe, expect, test } from 'vitest'
import { cleanText, isBlank, isEmptyValue, isPlaceholder, toHalfWidth } from '../../src/normalize/text.ts'

describe('toHalfWidth', () => {
  test.each([
    ['ＡＢＣ', 'ABC'],
    ['１３８１２３４５６７８', '13812345678'],
    ['（南京）', '(南京)'],
    ['王\u3000伟', '王 伟'],
    ['！～', '!~'],
    ['张晓明', '张晓明'],
    ['abc', 'abc'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(toHalfWidth(input)).toBe(expected)
  })
})

describe('cleanText', () => {
  test.each([
    ['  张晓明  ', '张晓明'],
    ['王\u3000\u3000伟', '王 伟'],
    ['李\u200b明', '李明'],
    ['\ufeff秦淮区', '秦淮区'],
    ['a\u0000b\u007fc', 'abc'],
    ['line\tone\r\ntwo', 'line one two'],
    ['Ｅ\u0301', 'É'], // full-width E + combining acute: half-width, then NFC composes É
    ['e\u0301', 'é'],
    ['\u00a0x\u00a0', 'x'],
    ['', null],
    ['   ', null],
    ['\u200b\u200c', null],
    ['plain text', 'plain text'],
  ])('%j → %j', (input, expected) => {
    expect(cleanText(input)).toBe(expected)
  })

  test('null and undefined are blank', () => {
    expect(cleanText(null)).toBeNull()
    expect(cleanText(undefined)).toBeNull()
  })
})

describe('isBlank / isPlaceholder / isEmptyValue', () => {
  test.each([
    ['', true, false, true],
    ['  ', true, false, true],
    ['\u3000', true, false, true],
    ['无', false, true, true],
    ['NULL', false, true, true],
    ['-', false, true, true],
    ['#N/A', false, true, true],
    ['张三', false, false, false],
    ['0', false, false, false],
  ])('%j blank=%s placeholder=%s empty=%s', (input, blank, placeholder, empty) => {
    expect(isBlank(input)).toBe(blank)
    expect(isPlaceholder(input)).toBe(placeholder)
    expect(isEmptyValue(input)).toBe(empty)
  })

  test('null and undefined are blank', () => {
    expect(isBlank(null)).toBe(true)
    expect(isBlank(undefined)).toBe(true)
  })
})
