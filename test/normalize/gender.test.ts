import { describe, expect, test } from 'vitest'
import { normalizeGender } from '../../src/normalize/gender.ts'

describe('normalizeGender', () => {
  test.each([
    ['男', 'M'],
    ['女', 'F'],
    ['男性', 'M'],
    ['女性', 'F'],
    ['1', 'M'],
    ['2', 'F'],
    ['１', 'M'],
    ['M', 'M'],
    ['F', 'F'],
    ['m', 'M'],
    ['f', 'F'],
    ['Male', 'M'],
    ['female', 'F'],
    [' 男 ', 'M'],
    [1, 'M'],
    [2, 'F'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeGender(input)).toEqual({ value: expected })
  })

  test.each(['0', '9', '未说明'])('%j (unknown in GB/T 2261.1) → null with a warning', (input) => {
    expect(normalizeGender(input)).toEqual({
      value: null,
      problem: { code: 'GENDER_VALUE', severity: 'warning' },
    })
  })

  test.each(['3', 'x', '男女', '先生', 'a'.repeat(5000)])('%j → GENDER_VALUE error', (input) => {
    expect(normalizeGender(input)).toEqual({
      value: null,
      problem: { code: 'GENDER_VALUE', severity: 'error' },
    })
  })

  test.each(['', '  ', '无'])('blank %j → null without a problem', (input) => {
    expect(normalizeGender(input)).toEqual({ value: null })
  })
})
