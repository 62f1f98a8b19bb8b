import { describe, expect, it } from 'vitest'
import { keyHash } from '../../src/match/hash.ts'
import {
  type BlockingRule,
  candidatePairs,
  keysOf,
  MAX_RECORDS,
  packPair,
  pairLeft,
  pairRight,
} from '../../src/match/blocking.ts'

interface Rec {
  name: string | null
  city: string | null
  phones: (string | null)[]
}

const rec = (name: string | null, city: string | null = null, phones: (string | null)[] = []): Rec => ({
  name,
  city,
  phones,
})

const byName: BlockingRule<Rec> = { name: 'name', keys: (r) => r.name }
const byCity: BlockingRule<Rec> = { name: 'city', keys: (r) => r.city }
const byPhone: BlockingRule<Rec> = { name: 'phone', keys: (r) => r.phones }

/** The pairs as [i, j] with i < j, in the result's order. */
const unpacked = (pairs: Float64Array): [number, number][] =>
  Array.from(pairs, (p) => [pairLeft(p), pairRight(p)] as [number, number])

describe('packPair / pairLeft / pairRight', () => {
  it.each([
    [0, 1],
    [1, 0],
    [3, 7],
    [7, 3],
    [0, MAX_RECORDS - 1],
    [MAX_RECORDS - 2, MAX_RECORDS - 1],
    [12_345_678, 54_321],
  ])('(%i, %i) round-trips with the smaller index on the left', (i, j) => {
    const p = packPair(i, j)
    expect(p).toBe(packPair(j, i))
    expect(pairLeft(p)).toBe(Math.min(i, j))
    expect(pairRight(p)).toBe(Math.max(i, j))
    expect(Number.isSafeInteger(p)).toBe(true)
  })

  it('orders packed pairs by left index, then right', () => {
    const ps = [packPair(2, 3), packPair(0, 9), packPair(1, 2), packPair(0, 5)].sort((a, b) => a - b)
    expect(ps.map((p) => [pairLeft(p), pairRight(p)])).toEqual([
      [0, 5],
      [0, 9],
      [1, 2],
      [2, 3],
    ])
  })

  it('MAX_RECORDS is 2^26', () => {
    expect(MAX_RECORDS).toBe(2 ** 26)
  })
})

describe('keysOf', () => {
  it.each([
    ['a null key', rec(null), byName, []],
    ['a single key', rec('张伟'), byName, ['张伟']],
    ['an empty list', rec('张伟', null, []), byPhone, []],
    ['several keys', rec('张伟', null, ['1', '2']), byPhone, ['1', '2']],
    ['duplicates once, in first-seen order', rec('x', null, ['2', '1', '2', '1']), byPhone, ['2', '1']],
    ['nulls in a list dropped', rec('x', null, [null, '1', null]), byPhone, ['1']],
    ['an empty-string key kept', rec(''), byName, ['']],
  ] as const)('%s', (_, r, rule, keys) => {
    expect(keysOf(r, rule)).toEqual(keys)
  })
})

describe('candidatePairs', () => {
  it('pairs every two records sharing a key, sorted, with per-rule stats', () => {
    const records = [rec('a'), rec('b'), rec('a'), rec('c'), rec('a'), rec('b')]
    const r = candidatePairs(records, [byName], 10)
    expect(unpacked(r.pairs)).toEqual([
      [0, 2],
      [0, 4],
      [1, 5],
      [2, 4],
    ])
    expect(r.stats).toEqual([{ rule: 'name', blocks: 2, pairs: 4, oversized: 0 }])
  })

  it('deduplicates a pair found by several rules, and counts it under each', () => {
    const records = [rec('a', 'x'), rec('a', 'x'), rec('b', 'x'), rec('b', 'y')]
    const r = candidatePairs(records, [byName, byCity], 10)
    expect(unpacked(r.pairs)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 3],
    ])
    expect(r.stats).toEqual([
      { rule: 'name', blocks: 2, pairs: 2, oversized: 0 },
      { rule: 'city', blocks: 1, pairs: 3, oversized: 0 },
    ])
  })

  it('returns a Float64Array of distinct, ascending packed pairs', () => {
    const records = [rec('a', 'x'), rec('a', 'x'), rec('a', 'x')]
    const r = candidatePairs(records, [byName, byCity, byName], 10)
    expect(r.pairs).toBeInstanceOf(Float64Array)
    expect(Array.from(r.pairs)).toEqual([packPair(0, 1), packPair(0, 2), packPair(1, 2)])
    expect(r.stats.map((s) => s.pairs)).toEqual([3, 3, 3])
  })

  it('pairs records sharing any one of several keys, once per pair', () => {
    const records = [
      rec('p', null, ['111', '222']),
      rec('q', null, ['222', '333']),
      rec('r', null, ['333']),
      rec('s', null, ['111', '222']), // shares both phones with record 0: one pair
      rec('t', null, ['222', '222']), // a key written twice is one key
    ]
    const r = candidatePairs(records, [byPhone], 10)
    expect(unpacked(r.pairs)).toEqual([
      [0, 1],
      [0, 3],
      [0, 4],
      [1, 2],
      [1, 3],
      [1, 4],
      [3, 4],
    ])
    // block 111: {0, 3}; block 222: {0, 1, 3, 4}; block 333: {1, 2} → 1 + 6 + 1 pushed, [0, 3] twice
    expect(r.stats).toEqual([{ rule: 'phone', blocks: 3, pairs: 8, oversized: 0 }])
  })

  it('ignores null keys, whether the whole key or one of a list', () => {
    const records = [rec(null), rec(null), rec('a', null, [null, '1']), rec('a', null, [null]), rec('b')]
    expect(unpacked(candidatePairs(records, [byName], 10).pairs)).toEqual([[2, 3]])
    expect(unpacked(candidatePairs(records, [byPhone], 10).pairs)).toEqual([])
  })

  it('skips blocks larger than maxBlock and counts them as oversized', () => {
    const records = [rec('big'), rec('big'), rec('big'), rec('big'), rec('small'), rec('small'), rec('alone')]
    const r = candidatePairs(records, [byName], 3)
    expect(unpacked(r.pairs)).toEqual([[4, 5]])
    expect(r.stats).toEqual([{ rule: 'name', blocks: 1, pairs: 1, oversized: 1 }])
  })

  it('keeps a block of exactly maxBlock records', () => {
    const records = [rec('a'), rec('a'), rec('a')]
    expect(candidatePairs(records, [byName], 3).pairs.length).toBe(3)
    expect(candidatePairs(records, [byName], 2).pairs.length).toBe(0)
  })

  it('keeps pairs found by another rule when one rule finds the block oversized', () => {
    const records = [rec('a', 'x'), rec('a', 'x'), rec('a', 'y')]
    const r = candidatePairs(records, [byName, byCity], 2)
    expect(unpacked(r.pairs)).toEqual([[0, 1]])
    expect(r.stats).toEqual([
      { rule: 'name', blocks: 0, pairs: 0, oversized: 1 },
      { rule: 'city', blocks: 1, pairs: 1, oversized: 0 },
    ])
  })

  it('skips blocks the oversized predicate names, by the hash of rule and key', () => {
    const records = [rec('a', 'x'), rec('a', 'x'), rec('b', 'x'), rec('b', 'y')]
    const names = new Map(
      [
        ['name', 'a'],
        ['name', 'b'],
        ['city', 'x'],
        ['city', 'y'],
      ].map(([rule, key]) => [keyHash(rule as string, key as string), [rule, key] as [string, string]]),
    )
    const seen: [string, string][] = []
    const r = candidatePairs(records, [byName, byCity], 10, undefined, (hash) => {
      const [rule, key] = names.get(hash) ?? ['?', '?']
      seen.push([rule, key])
      return rule === 'name' && key === 'a'
    })
    expect(unpacked(r.pairs)).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 3],
    ])
    expect(r.stats).toEqual([
      { rule: 'name', blocks: 1, pairs: 1, oversized: 1 },
      { rule: 'city', blocks: 1, pairs: 3, oversized: 0 },
    ])
    // asked only of blocks of two or more records
    expect(seen).toEqual([
      ['name', 'a'],
      ['name', 'b'],
      ['city', 'x'],
    ])
  })

  it('with `only`, keeps just the pairs touching an accepted record', () => {
    const records = [rec('a'), rec('a'), rec('a'), rec('a'), rec('b'), rec('b')]
    const isNew = (i: number) => i === 2 || i === 3
    const r = candidatePairs(records, [byName], 10, isNew)
    expect(unpacked(r.pairs)).toEqual([
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ])
    // block b has no new record: counted as a block, but yields no pair
    expect(r.stats).toEqual([{ rule: 'name', blocks: 2, pairs: 5, oversized: 0 }])
  })

  it('with `only` accepting nothing, yields nothing; accepting everything, all pairs', () => {
    const records = [rec('a'), rec('a'), rec('a')]
    expect(candidatePairs(records, [byName], 10, () => false).pairs.length).toBe(0)
    expect(Array.from(candidatePairs(records, [byName], 10, () => true).pairs)).toEqual(
      Array.from(candidatePairs(records, [byName], 10).pairs),
    )
  })

  it('handles no records and no rules', () => {
    expect(candidatePairs([], [byName], 10)).toEqual({
      pairs: new Float64Array(0),
      stats: [{ rule: 'name', blocks: 0, pairs: 0, oversized: 0 }],
    })
    expect(candidatePairs([rec('a'), rec('a')], [], 10)).toEqual({ pairs: new Float64Array(0), stats: [] })
  })

  it('grows past its first buffer (65 536 pairs)', () => {
    const records = Array.from({ length: 400 }, () => rec('same'))
    const r = candidatePairs(records, [byName], 1000)
    expect(r.pairs.length).toBe((400 * 399) / 2)
    expect(r.stats[0]?.pairs).toBe((400 * 399) / 2)
    expect(r.pairs.every((p, k) => k === 0 || p > (r.pairs[k - 1] as number))).toBe(true)
    expect(unpacked(r.pairs.subarray(r.pairs.length - 1))).toEqual([[398, 399]])
  })

  it('refuses more than MAX_RECORDS records', () => {
    const tooMany = { length: MAX_RECORDS + 1 } as unknown as readonly Rec[]
    expect(() => candidatePairs(tooMany, [byName], 10)).toThrow(`at most ${MAX_RECORDS} records`)
  })
})
