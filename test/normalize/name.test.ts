import { describe, expect, test } from 'vitest'
import { normalizeOrgName, normalizePersonName, toSimplified } from '../../src/normalize/name.ts'

describe('toSimplified', () => {
  test.each([
    ['張曉明', '张晓明'],
    ['歐陽靖', '欧阳靖'],
    ['臺灣', '台湾'],
    ['鍾', '钟'],
    ['乾隆', '乾隆'], // phrase-aware: 乾 stays in 乾隆
    ['乾淨', '干净'],
    ['著名', '著名'],
    ['张晓明', '张晓明'], // already simplified: untouched
    ['John Smith', 'John Smith'],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(toSimplified(input)).toBe(expected)
  })

  test('the same traditional string twice gives the same answer (cached)', () => {
    expect(toSimplified('陳麗華')).toBe('陈丽华')
    expect(toSimplified('陳麗華')).toBe('陈丽华')
  })
})

describe('normalizePersonName', () => {
  test.each([
    ['张晓明', '张晓明'],
    ['張曉明', '张晓明'],
    ['歐陽靖', '欧阳靖'],
    ['王 伟', '王伟'],
    [' 王　伟 ', '王伟'], // ideographic space
    ['王\u200b伟', '王伟'], // zero-width space
    ['\ufeff李娜', '李娜'],
    ['阿卜杜·买买提', '阿卜杜·买买提'],
    ['阿卜杜•买买提', '阿卜杜·买买提'], // bullet
    ['阿卜杜‧买买提', '阿卜杜·买买提'], // hyphenation point
    ['阿卜杜・买买提', '阿卜杜·买买提'], // katakana middle dot
    ['阿卜杜･买买提', '阿卜杜·买买提'], // half-width katakana middle dot
    ['阿卜杜.买买提', '阿卜杜·买买提'], // full stop
    ['阿卜杜．买买提', '阿卜杜·买买提'], // full-width full stop
    ['阿卜杜 · 买买提', '阿卜杜·买买提'], // spaces round the dot
    ['阿卜杜··买买提', '阿卜杜·买买提'], // doubled dot
    ['·阿卜杜·买买提·', '阿卜杜·买买提'], // stray dots at the ends
    ['阿卜杜·買買提', '阿卜杜·买买提'], // traditional and a dot
    ['ＪＯＨＮ　ＳＭＩＴＨ', 'JOHN SMITH'], // full width; a space between Latin words stays
    ['JOHN   SMITH', 'JOHN SMITH'],
  ])('%j → %j', (input, expected) => {
    expect(normalizePersonName(input)).toEqual({ value: expected })
  })

  test.each([
    ['王伟2', '王伟2'],
    ['张三(已故)', '张三(已故)'],
    ['李?明', '李?明'],
  ])('%j is kept with a BAD_CHARACTERS warning', (input, expected) => {
    const result = normalizePersonName(input)
    expect(result.value).toBe(expected)
    expect(result.problem?.code).toBe('BAD_CHARACTERS')
    expect(result.problem?.severity).toBe('warning')
  })

  test.each([
    ['王'.repeat(51), 'TOO_LONG'],
    ['王'.repeat(201), 'TOO_LONG'],
    ['·•·', 'BAD_CHARACTERS'],
  ])('%j → %s error', (input, code) => {
    expect(normalizePersonName(input)).toEqual({ value: null, problem: { code, severity: 'error' } })
  })

  test.each(['', '   ', '\u200b', '无', 'NULL'])('blank %j → null without a problem', (input) => {
    expect(normalizePersonName(input)).toEqual({ value: null })
  })

  test('a 50-character name is still a name', () => {
    expect(normalizePersonName('王'.repeat(50))).toEqual({ value: '王'.repeat(50) })
  })
})

describe('normalizeOrgName', () => {
  test.each([
    ['南京夫子庙餐饮有限公司', '南京夫子庙餐饮有限公司'],
    ['南京夫子庙（秦淮）餐饮有限公司', '南京夫子庙(秦淮)餐饮有限公司'],
    ['南京 夫子庙 餐饮有限公司', '南京夫子庙餐饮有限公司'],
    ['ABC  Technology （南京） 有限公司', 'ABC Technology(南京)有限公司'],
    ['臺灣積體電路製造股份有限公司', '台湾积体电路制造股份有限公司'],
    ['【老王】面馆', '(老王)面馆'],
    ['〔秦淮〕第一分公司', '(秦淮)第一分公司'],
    ['7天连锁酒店', '7天连锁酒店'], // digits are normal in unit names
    ['ＫＦＣ肯德基', 'KFC肯德基'],
    ['南京\u200b某某有限公司', '南京某某有限公司'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeOrgName(input)).toEqual({ value: expected })
  })

  test('longer than 100 characters → TOO_LONG', () => {
    expect(normalizeOrgName('某'.repeat(101))).toEqual({
      value: null,
      problem: { code: 'TOO_LONG', severity: 'error' },
    })
  })

  test.each(['', '无'])('blank %j → null', (input) => {
    expect(normalizeOrgName(input)).toEqual({ value: null })
  })
})
