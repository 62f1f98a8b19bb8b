import { describe, expect, test } from 'vitest'
import { ETHNIC_GROUPS, normalizeEthnicity } from '../../src/normalize/ethnicity.ts'

test('56 groups, each once', () => {
  expect(ETHNIC_GROUPS).toHaveLength(56)
  expect(new Set(ETHNIC_GROUPS).size).toBe(56)
})

describe('normalizeEthnicity', () => {
  test.each([
    ['汉族', '汉族'],
    ['汉', '汉族'],
    ['漢族', '汉族'],
    ['汉 族', '汉族'],
    ['回', '回族'],
    ['回族', '回族'],
    ['维吾尔', '维吾尔族'],
    ['维族', '维吾尔族'],
    ['蒙古', '蒙古族'],
    ['蒙', '蒙古族'],
    ['朝鲜族', '朝鲜族'],
    ['柯尔克孜族', '柯尔克孜族'],
    ['基诺族', '基诺族'],
    ['01', '汉族'], // GB/T 3304 codes
    ['1', '汉族'],
    ['03', '回族'],
    ['56', '基诺族'],
  ])('%j → %s', (input, expected) => {
    expect(normalizeEthnicity(input)).toEqual({ value: expected })
  })

  test.each([
    ['穿青人', '穿青人'],
    ['其他', '其他'],
    ['外国血统', '外国血统'],
    ['97', '97'],
    ['火星族', '火星族'],
  ])('%j is kept as written with an ENUM_VALUE warning', (input, expected) => {
    expect(normalizeEthnicity(input)).toEqual({
      value: expected,
      problem: { code: 'ENUM_VALUE', severity: 'warning' },
    })
  })

  test.each(['', '  ', '无'])('blank %j → null', (input) => {
    expect(normalizeEthnicity(input)).toEqual({ value: null })
  })
})
