import { describe, expect, it } from 'vitest'
import { RecordIdTable } from '../../src/ingest/record-id-table.ts'

describe('RecordIdTable', () => {
  it('maps numbered and other ids alike, and counts them', () => {
    const t = new RecordIdTable()
    t.set('3201040000000001', 7)
    t.set('HJ-0001', 8)
    t.set('0001', 9)
    t.set('1', 2 ** 52)
    expect([t.get('3201040000000001'), t.get('HJ-0001'), t.get('0001'), t.get('1')]).toEqual([
      7,
      8,
      9,
      2 ** 52,
    ])
    expect([t.get('3201040000000002'), t.get('01'), t.get('')]).toEqual([undefined, undefined, undefined])
    expect(t.size).toBe(4)
    t.set('3201040000000001', 70)
    t.set('HJ-0001', 80)
    expect([t.get('3201040000000001'), t.get('HJ-0001'), t.size]).toEqual([70, 80, 4])
  })

  it('stores on a first getOrSet and returns what was stored on the next', () => {
    const t = new RecordIdTable()
    expect(t.getOrSet('42', 1)).toBeUndefined()
    expect(t.getOrSet('42', 2)).toBe(1)
    expect(t.getOrSet('户籍42', 3)).toBeUndefined()
    expect(t.getOrSet('户籍42', 4)).toBe(3)
  })

  it('keeps every value through the table growing many times over', () => {
    const t = new RecordIdTable()
    for (let i = 1; i <= 300_000; i++) t.set(String(i * 1_000_003), i)
    expect(t.size).toBe(300_000)
    for (let i = 1; i <= 300_000; i += 101) expect(t.get(String(i * 1_000_003))).toBe(i)
    expect(t.get(String(2 * 1_000_003 + 1))).toBeUndefined()
  })
})
