import { describe, expect, it } from 'vitest'
import { hashPrint } from '../../src/ingest/hash-print.ts'

describe('hashPrint', () => {
  it('reads each base64 character as its 6 bits, most significant first', () => {
    expect(hashPrint('AAAA', 0, 4)).toBe(0)
    expect(hashPrint('AAAB', 0, 4)).toBe(1)
    expect(hashPrint('BAAA', 0, 4)).toBe(1 << 18)
    expect(hashPrint('////', 0, 4)).toBe(2 ** 24 - 1)
    expect(hashPrint('+/', 0, 2)).toBe((62 << 6) | 63)
  })

  it('starts where it is told', () => {
    expect(hashPrint('xxxxxAAAAB', 5, 5)).toBe(1)
    expect(hashPrint('xxxxx/////', 5, 5)).toBe(2 ** 30 - 1)
  })

  it('stays a positive int at five characters and refuses more', () => {
    expect(hashPrint('/////', 0, 5)).toBeGreaterThan(0)
    expect(() => hashPrint('//////', 0, 6)).toThrow(RangeError)
  })
})
