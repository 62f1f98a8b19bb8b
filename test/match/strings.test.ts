import { describe, expect, it } from 'vitest'
import { editDistance, hamming, jaroWinkler } from '../../src/match/strings.ts'

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['abc', 'acb', 2], // a transposition is two edits in Levenshtein
    ['intention', 'execution', 5],
    ['张伟', '张玮', 1], // by code point: DuckDB's byte count would say 3
    ['张伟', '张伟', 0],
    ['欧阳靖', '欧阳', 1],
    ['王小明', '明小王', 2],
    ['张伟', 'zhang', 5],
    ['𠀀a', '𠀁a', 1], // a character outside the BMP is one code point, not two code units
    ['𠀀', '', 1],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d)
    expect(editDistance(b, a)).toBe(d)
  })

  it.each([
    // [a, b, max, result]: within max the true distance, past it max + 1
    ['kitten', 'sitting', 3, 3],
    ['kitten', 'sitting', 5, 3],
    ['kitten', 'sitting', 1, 2],
    ['kitten', 'sitting', 2, 3],
    ['张伟', '张玮', 1, 1],
    ['张伟', '李玮', 1, 2],
    ['abcd', 'wxyz', 2, 3],
    ['abc', 'xyz', 0, 1],
    ['abc', 'abcdef', 1, 2], // the lengths alone differ by more than max
    ['a', 'abcdefgh', 3, 4],
    ['abc', 'abc', 0, 0],
  ])('%s → %s with max %i is %i', (a, b, max, d) => {
    expect(editDistance(a, b, max)).toBe(d)
  })

  it('agrees with the unbounded distance on whether it is within max, for every pair of short strings', () => {
    const words = ['']
    for (let len = 1; len <= 4; len++)
      for (const w of words.filter((x) => x.length === len - 1)) for (const c of 'ab') words.push(w + c)
    for (const a of words)
      for (const b of words) {
        const d = editDistance(a, b)
        for (const max of [0, 1, 2]) {
          const bounded = editDistance(a, b, max)
          expect(bounded <= max, `${a}/${b}/${max}`).toBe(d <= max)
          if (d <= max) expect(bounded).toBe(d)
          else expect(bounded).toBeGreaterThan(max)
        }
      }
  })
})

describe('jaroWinkler', () => {
  it.each([
    ['MARTHA', 'MARHTA', 0.961111],
    ['DIXON', 'DICKSONX', 0.813333],
    ['DWAYNE', 'DUANE', 0.84],
    ['JELLYFISH', 'SMELLYFISH', 0.896296],
    ['CRATE', 'TRACE', 0.733333],
    ['张伟', '张玮', 0.7], // by character: jaro 2/3, one prefix character
    ['欧阳靖', '欧阳晴', 0.822222],
    ['abc', 'xyz', 0],
    ['a', 'b', 0],
  ])('%s ~ %s = %f', (a, b, s) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(s, 5)
    expect(jaroWinkler(b, a)).toBeCloseTo(s, 5)
  })

  it.each([
    ['MARTHA', 'MARTHA'],
    ['张伟', '张伟'],
    ['', ''],
  ])('is 1 for identical strings (%s)', (a, b) => {
    expect(jaroWinkler(a, b)).toBe(1)
  })

  it.each([
    ['', 'a'],
    ['abc', ''],
    ['', '张伟'],
  ])('is 0 when one side is empty (%s / %s)', (a, b) => {
    expect(jaroWinkler(a, b)).toBe(0)
  })

  it('counts the prefix bonus for at most four characters', () => {
    // jaro of ABCDEFGH vs ABCDEFGX is 11/12; four prefix characters give 11/12 + 0.4 · 1/12
    expect(jaroWinkler('ABCDEFGH', 'ABCDEFGX')).toBeCloseTo(11 / 12 + 0.4 / 12, 12)
  })

  it('stays within [0, 1]', () => {
    for (const [a, b] of [
      ['AAAA', 'AAAB'],
      ['王伟', '王伟伟'],
      ['X', 'XXXXXXXX'],
    ] as const) {
      const s = jaroWinkler(a, b)
      expect(s).toBeGreaterThanOrEqual(0)
      expect(s).toBeLessThanOrEqual(1)
    }
  })
})

describe('hamming', () => {
  it.each([
    ['', '', 0],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1],
    ['abc', 'xyz', 3],
    ['320102199001011234', '320102199001011235', 1],
    ['320102199001011234', '320102199101011235', 2],
    ['张伟', '张玮', 1],
  ])('%s / %s = %i', (a, b, d) => {
    expect(hamming(a, b)).toBe(d)
    expect(hamming(b, a)).toBe(d)
  })

  it.each([
    ['abc', 'ab'],
    ['', 'a'],
    ['320102900101123', '320102199001011234'],
  ])('is Infinity for strings of different lengths (%s / %s)', (a, b) => {
    expect(hamming(a, b)).toBe(Number.POSITIVE_INFINITY)
  })
})
