import { describe, expect, it } from 'vitest'
import { KnownRecords } from '../../src/ingest/known-records.ts'

describe('KnownRecords', () => {
  it('answers id, version and whether the content is the stored one, past its first capacity', () => {
    const known = new KnownRecords()
    for (let i = 0; i < 5000; i++) known.add(`R${i}`, 1000 + i, (i % 3) + 1, `hash${i}`.padEnd(22, 'A'))
    expect(known.size).toBe(5000)
    expect(known.get('R4321', 'hash4321'.padEnd(22, 'A'))).toEqual({ id: 5321, version: 2, same: true })
    expect(known.get('R4321', 'hash4322'.padEnd(22, 'A'))).toEqual({ id: 5321, version: 2, same: false })
    // the print covers the first ten characters of the hash
    expect(known.get('R7', 'hash7'.padEnd(10, 'A') + 'ZZZZ')?.same).toBe(true)
    expect(known.get('R7', 'hash7'.padEnd(9, 'A') + 'B')?.same).toBe(false)
    expect(known.get('nope', 'x'.repeat(22))).toBeUndefined()
  })
})
