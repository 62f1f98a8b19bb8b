import { describe, expect, it } from 'vitest'
import { ulid } from '../src/ids.ts'

describe('ulid', () => {
  it('is 26 Crockford base32 characters, its first ten the time', () => {
    const id = ulid(1_700_000_000_000)
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(id.slice(0, 10)).toBe(ulid(1_700_000_000_000).slice(0, 10))
    expect(ulid(1_700_000_000_001).slice(0, 10) > id.slice(0, 10)).toBe(true)
  })

  it('never repeats its random part across many pool refills', () => {
    const seen = new Set<string>()
    // 10 bytes each from a 4096-byte pool: 5,000 ids refill it a dozen times
    for (let i = 0; i < 5000; i++) seen.add(ulid(0).slice(10))
    expect(seen.size).toBe(5000)
  })

  it('spreads its random characters over the whole alphabet', () => {
    const counts = new Map<string, number>()
    for (let i = 0; i < 2000; i++) for (const c of ulid(0).slice(10)) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(32)
    // 32,000 characters, 1,000 expected of each; a stuck pool or a lost refill would skew this far more
    for (const n of counts.values()) expect(n).toBeGreaterThan(800)
  })
})
