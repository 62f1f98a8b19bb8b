import { describe, expect, it } from 'vitest'
import { Rng } from '../../fixtures/generator/random.ts'
import {
  estimateM,
  estimateU,
  levelOf,
  levelWeights,
  type ModelParams,
  packPattern,
  priorWeight,
  probability,
} from '../../src/match/model.ts'

const model = (lambda: number, comparisons: { m: number[]; u: number[] }[]): ModelParams => ({
  entityType: 'person',
  version: 'test',
  lambda,
  comparisons: comparisons.map((c, k) => ({
    name: `c${k}`,
    levels: c.m.map((_, l) => (l === 0 ? 'null' : `l${l}`)),
    m: c.m,
    u: c.u,
    tfLevel: null,
  })),
  trainedAt: '2024-01-01T00:00:00.000Z',
  trainingPairs: 0,
  emIterations: 0,
})

describe('packPattern / levelOf', () => {
  it.each([
    [[], 0],
    [[0], 0],
    [[1], 1],
    [[1, 2], 0x21],
    [[4, 0, 5, 3], 0x3504],
    [[15, 15, 15, 15, 15, 15, 15], 0xfffffff],
    [[1, 2, 3, 4, 5, 2, 1], 0x1254321],
  ])('%j packs to %i, a hex digit per comparison', (levels, pattern) => {
    expect(packPattern(levels)).toBe(pattern)
    levels.forEach((l, c) => expect(levelOf(pattern, c)).toBe(l))
  })

  it('accepts typed arrays', () => {
    expect(packPattern(Uint8Array.from([3, 1, 2]))).toBe(0x213)
  })

  it('reads level 0 beyond the packed comparisons', () => {
    expect(levelOf(packPattern([2, 3]), 2)).toBe(0)
    expect(levelOf(packPattern([2, 3]), 6)).toBe(0)
  })

  it('round-trips every pattern of three comparisons', () => {
    for (let a = 0; a < 16; a++)
      for (let b = 0; b < 16; b++)
        for (let c = 0; c < 16; c += 5) {
          const p = packPattern([a, b, c])
          expect([levelOf(p, 0), levelOf(p, 1), levelOf(p, 2)]).toEqual([a, b, c])
        }
  })

  it('fits eight comparisons of 16 levels in a Uint32', () => {
    const p = packPattern([15, 15, 15, 15, 15, 15, 15, 15])
    expect(p).toBe(2 ** 32 - 1)
    expect(Uint32Array.from([p])[0]).toBe(p)
  })
})

describe('probability', () => {
  it.each([
    [0, 0.5],
    [1, 2 / 3],
    [-1, 1 / 3],
    [10, 1024 / 1025],
    [-10, 1 / 1025],
    [2000, 1], // 2^2000 overflows: certainty, not NaN
    [Number.POSITIVE_INFINITY, 1],
    [-2000, 0],
    [Number.NEGATIVE_INFINITY, 0],
  ])('weight %d → %f', (w, p) => {
    expect(probability(w)).toBeCloseTo(p, 12)
  })

  it('is monotone in the weight', () => {
    const ws = [-60, -20, -3, -0.5, 0, 0.5, 3, 20]
    const ps = ws.map(probability)
    for (let k = 1; k < ps.length; k++) expect(ps[k] as number).toBeGreaterThan(ps[k - 1] as number)
  })
})

describe('priorWeight / levelWeights', () => {
  it.each([
    [0.5, 0],
    [0.2, -2],
    [0.8, 2],
    [1 / 1025, -10],
  ])('prior of λ %f is log2(λ / (1 − λ)) = %f', (lambda, w) => {
    expect(priorWeight(model(lambda, []))).toBeCloseTo(w, 12)
  })

  it('is log2(m/u) per level, 0 for the null level whatever m and u say', () => {
    const params = model(0.1, [
      { m: [0.3, 0.8, 0.2], u: [0.9, 0.1, 0.8] },
      { m: [1, 0.5, 0.25, 0.25], u: [1, 0.125, 0.5, 0.25] },
    ])
    const w = levelWeights(params)
    expect(w).toHaveLength(2)
    expect(w[0]).toEqual([0, 3, -2])
    expect(w[1]).toEqual([0, 2, -1, 0])
  })

  it('makes probability(prior + weights) the posterior of Bayes’ rule', () => {
    const m = [1, 0.9, 0.1]
    const u = [1, 0.05, 0.95]
    const params = model(0.01, [{ m, u }])
    const w = priorWeight(params) + (levelWeights(params)[0]?.[1] as number)
    expect(probability(w)).toBeCloseTo((0.01 * 0.9) / (0.01 * 0.9 + 0.99 * 0.05), 12)
  })
})

describe('estimateU', () => {
  it.each([
    // counts per level (level 0 = null, ignored) → u with add-one smoothing over the non-null levels
    [
      [5, 0, 0],
      [1, 1 / 2, 1 / 2],
    ],
    [
      [0, 3, 7, 0],
      [1, 4 / 13, 8 / 13, 1 / 13],
    ],
    [
      [100, 0, 998],
      [1, 1 / 1000, 999 / 1000],
    ],
    [
      [0, 0, 0, 0, 0],
      [1, 1 / 4, 1 / 4, 1 / 4, 1 / 4],
    ],
  ])('%j → %j', (counts, u) => {
    const [row] = estimateU([counts])
    expect(row).toHaveLength(u.length)
    u.forEach((v, l) => expect(row?.[l]).toBeCloseTo(v, 15))
  })

  it('gives every non-null level a positive share, summing to 1', () => {
    const u = estimateU([
      [7, 1000, 0, 3],
      [0, 0, 50],
    ])
    for (const row of u) {
      expect(row[0]).toBe(1)
      for (const v of row.slice(1)) expect(v).toBeGreaterThan(0)
      expect(row.slice(1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15)
    }
  })
})

describe('estimateM', () => {
  /** Patterns of `n` pairs drawn from a known mixture: λ matches with levels from m, the rest from u. */
  function mixture(
    m: number[][],
    u: number[][],
    lambda: number,
    n: number,
    seed: number,
    nullShare = 0.1,
  ): Map<number, number> {
    const rng = new Rng(seed, 'em')
    const draw = (p: number[]) => {
      let x = rng.next()
      for (let l = 1; l < p.length; l++) {
        x -= p[l] as number
        if (x < 0) return l
      }
      return p.length - 1
    }
    const patterns = new Map<number, number>()
    for (let k = 0; k < n; k++) {
      const rows = rng.chance(lambda) ? m : u
      const p = packPattern(rows.map((row) => (rng.chance(nullShare) ? 0 : draw(row))))
      patterns.set(p, (patterns.get(p) ?? 0) + 1)
    }
    return patterns
  }

  const M = [
    [1, 0.9, 0.1],
    [1, 0.8, 0.15, 0.05],
    [1, 0.7, 0.3],
  ]
  const U = [
    [1, 0.05, 0.95],
    [1, 0.02, 0.08, 0.9],
    [1, 0.1, 0.9],
  ]
  const START = {
    m: [
      [1, 0.6, 0.4],
      [1, 0.5, 0.3, 0.2],
      [1, 0.5, 0.5],
    ],
    lambda: 0.1,
  }

  it.each([
    [0.3, 7],
    [0.1, 11],
    [0.5, 13],
  ])('recovers m and λ = %f from a synthetic mixture (seed %i)', (lambda, seed) => {
    const patterns = mixture(M, U, lambda, 20_000, seed)
    const fit = estimateM(patterns, [3, 4, 3], U, START, 300, 1e-9)
    expect(fit.lambda).toBeGreaterThan(lambda - 0.02)
    expect(fit.lambda).toBeLessThan(lambda + 0.02)
    fit.m.forEach((row, c) => {
      expect(row[0]).toBe(1)
      expect(row.slice(1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
      row.forEach((v, l) => expect(Math.abs(v - (M[c]?.[l] as number)), `m[${c}][${l}]`).toBeLessThan(0.03))
    })
    expect(fit.iterations).toBeLessThan(300) // converged before the cap
  })

  it('is deterministic and does not modify its start', () => {
    const patterns = mixture(M, U, 0.3, 2000, 5)
    const start = structuredClone(START)
    const a = estimateM(patterns, [3, 4, 3], U, start, 50)
    const b = estimateM(patterns, [3, 4, 3], U, start, 50)
    expect(a).toEqual(b)
    expect(start).toEqual(START)
  })

  it('stops at the iteration cap', () => {
    const patterns = mixture(M, U, 0.3, 2000, 5)
    expect(estimateM(patterns, [3, 4, 3], U, START, 1).iterations).toBe(1)
    expect(estimateM(patterns, [3, 4, 3], U, START, 3, 0).iterations).toBe(3)
  })

  it('takes one E and M step exactly as the formulas say', () => {
    // one comparison, two patterns: 30 pairs agreeing (level 1), 70 disagreeing (level 2)
    const patterns = new Map([
      [packPattern([1]), 30],
      [packPattern([2]), 70],
    ])
    const u = [[1, 0.1, 0.9]]
    const fit = estimateM(patterns, [3], u, { m: [[1, 0.9, 0.1]], lambda: 0.2 }, 1)
    const p1 = (0.2 * 0.9) / (0.2 * 0.9 + 0.8 * 0.1) // posterior of an agreeing pair
    const p2 = (0.2 * 0.1) / (0.2 * 0.1 + 0.8 * 0.9)
    const matched = 30 * p1 + 70 * p2
    const s = matched + 2e-3
    expect(fit.lambda).toBeCloseTo(matched / 100, 12)
    expect(fit.m[0]?.[1]).toBeCloseTo((30 * p1 + 1e-3) / s, 12)
    expect(fit.m[0]?.[2]).toBeCloseTo((70 * p2 + 1e-3) / s, 12)
    expect(fit.m[0]?.[0]).toBe(1)
  })

  it('ignores null levels when it counts a pattern towards m', () => {
    // every pair null on comparison 1: its m comes out uniform from the pseudo-counts alone
    const patterns = new Map([
      [packPattern([1, 0]), 40],
      [packPattern([2, 0]), 60],
    ])
    const fit = estimateM(
      patterns,
      [3, 3],
      [
        [1, 0.1, 0.9],
        [1, 0.2, 0.8],
      ],
      {
        m: [
          [1, 0.9, 0.1],
          [1, 0.9, 0.1],
        ],
        lambda: 0.3,
      },
      5,
    )
    expect(fit.m[1]).toEqual([1, 0.5, 0.5])
  })

  it('keeps λ within [1e-6, 0.999]', () => {
    const allAgree = new Map([[packPattern([1, 1]), 1000]])
    const u = [
      [1, 0.001, 0.999],
      [1, 0.001, 0.999],
    ]
    const hi = estimateM(allAgree, [3, 3], u, { m: [START.m[0] as number[], [1, 0.6, 0.4]], lambda: 0.5 }, 50)
    expect(hi.lambda).toBe(0.999)
    const allDisagree = new Map([[packPattern([2, 2]), 1000]])
    const strongM = [
      [1, 0.9999, 0.0001],
      [1, 0.9999, 0.0001],
    ]
    const lo = estimateM(allDisagree, [3, 3], u, { m: strongM, lambda: 0.01 }, 50)
    expect(lo.lambda).toBeLessThan(1e-3)
    expect(lo.lambda).toBeGreaterThanOrEqual(1e-6)
  })

  // with no model-decided pattern λ keeps its start (0/0 would be NaN, and a NaN prior links everything)
  it('keeps a finite λ when there are no patterns', () => {
    const fit = estimateM(new Map(), [3], [[1, 0.1, 0.9]], { m: [[1, 0.9, 0.1]], lambda: 0.1 }, 5)
    expect(Number.isFinite(fit.lambda)).toBe(true)
  })
})
