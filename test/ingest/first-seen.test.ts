import { describe, expect, it } from 'vitest'
import { FirstSeen } from '../../src/ingest/first-seen.ts'

describe('FirstSeen', () => {
  it('remembers the first row of each record id and tells a repeat from a clash', () => {
    const seen = new FirstSeen()
    expect(seen.check('A', 2, 'abcdEFGH')).toBeUndefined()
    expect(seen.check('B', 3, 'zzzzEFGH')).toBeUndefined()
    expect(seen.check('A', 7, 'abcdXXXX')).toEqual({ row: 2, same: true })
    expect(seen.check('A', 9, 'abceEFGH')).toEqual({ row: 2, same: false })
    expect(seen.check('B', 1_048_576, '+/+/EFGH')).toEqual({ row: 3, same: false })
  })

  it('keeps row numbers of very long files', () => {
    const seen = new FirstSeen()
    seen.check('A', 50_000_000, '////')
    expect(seen.check('A', 50_000_001, '////')).toEqual({ row: 50_000_000, same: true })
  })

  it('finds an id again whether it was cut from a Chinese line or not, and keeps non-ASCII ids as they are', () => {
    const seen = new FirstSeen()
    const fromChineseLine = '王伟,HJ320104000000001,贡院街'.split(',')[1]!
    expect(seen.check(fromChineseLine, 2, 'abcd')).toBeUndefined()
    expect(seen.check('HJ320104000000001', 3, 'abcd')).toEqual({ row: 2, same: true })
    expect(seen.check('户籍编号0001', 4, 'abcd')).toBeUndefined()
    expect(seen.check('户籍编号0001', 5, 'abce')).toEqual({ row: 4, same: false })
  })

  it('tells numbered ids apart from their look-alikes: leading zeros, signs, spaces, past 2^53', () => {
    const seen = new FirstSeen()
    const ids = ['123', '0123', '+123', ' 123', '123 ', '1.23e2', '9007199254740993', '9007199254740992']
    ids.forEach((id, i) => expect(seen.check(id, i + 2, 'abcd')).toBeUndefined())
    ids.forEach((id, i) => expect(seen.check(id, 100 + i, 'abcd')).toEqual({ row: i + 2, same: true }))
  })

  it('finds every one of many numbered ids again, and no id it was not given', () => {
    const seen = new FirstSeen()
    const base = 3201040000000001
    for (let i = 0; i < 200_000; i++) expect(seen.check(String(base + i * 7), i + 2, 'abcd')).toBeUndefined()
    for (let i = 0; i < 200_000; i += 997)
      expect(seen.check(String(base + i * 7), 1, i % 2 ? 'abcd' : 'abce')).toEqual({
        row: i + 2,
        same: i % 2 === 1,
      })
    for (let i = 0; i < 1000; i++) expect(seen.check(String(base + i * 7 + 3), 5, 'abcd')).toBeUndefined()
  })
})
