/**
 * A Fellegi–Sunter model, as Splink fits it: per comparison, m (P(level | match)) estimated by EM
 * over the candidate pairs, u (P(level | non-match)) from random pairs, and a prior λ. A pair's
 * match weight is log2 of its Bayes factor plus the prior; the null level carries no information.
 */
import type { EntityType } from '../../schemas/mentions.ts'

export interface ComparisonParams {
  name: string
  levels: readonly string[] // levels[0] is 'null': either side missing
  m: number[]
  u: number[]
  /** The level whose weight is replaced by a term-frequency one (usually 'exact'), if any. */
  tfLevel: number | null
}

export interface ModelParams {
  entityType: EntityType
  version: string
  lambda: number
  comparisons: ComparisonParams[]
  trainedAt: string
  trainingPairs: number
  emIterations: number
}

export const packPattern = (levels: ArrayLike<number>): number => {
  let p = 0
  for (let c = levels.length - 1; c >= 0; c--) p = p * 16 + (levels[c] as number)
  return p
}

export const levelOf = (pattern: number, c: number): number => Math.floor(pattern / 16 ** c) % 16

export const log2 = Math.log2

/** The weight each comparison contributes at each level: log2(m/u), 0 for null. */
export function levelWeights(model: ModelParams): number[][] {
  return model.comparisons.map((c) =>
    c.levels.map((_, l) => (l === 0 ? 0 : log2((c.m[l] as number) / (c.u[l] as number)))),
  )
}

export const priorWeight = (model: ModelParams): number => log2(model.lambda / (1 - model.lambda))

export const probability = (weight: number): number => {
  if (Number.isNaN(weight)) return 0 // no evidence is never a link
  const bf = 2 ** weight
  return Number.isFinite(bf) ? bf / (1 + bf) : 1
}

/** u from levels counted over random pairs, with add-one smoothing so no level is impossible. */
export function estimateU(counts: number[][]): number[][] {
  return counts.map((levels) => {
    const total = levels.slice(1).reduce((a, b) => a + b, 0) + levels.length - 1
    return levels.map((n, l) => (l === 0 ? 1 : (n + 1) / total))
  })
}

/**
 * EM for m and λ over the distinct comparison patterns of the candidate pairs (u held fixed, as
 * Splink does). Counting patterns first makes each iteration cost the number of patterns, not pairs.
 */
export function estimateM(
  patterns: Map<number, number>,
  levelCounts: readonly number[],
  u: number[][],
  start: { m: number[][]; lambda: number },
  iterations = 30,
  tolerance = 1e-6,
): { m: number[][]; lambda: number; iterations: number } {
  let m = start.m.map((row) => row.slice())
  let lambda = start.lambda
  const entries = [...patterns.entries()].map(([p, n]) => ({
    n,
    levels: levelCounts.map((_, c) => levelOf(p, c)),
  }))
  const total = entries.reduce((a, e) => a + e.n, 0)
  let done = 0
  for (let it = 0; it < iterations; it++) {
    done = it + 1
    const mNext = levelCounts.map((k) => new Array<number>(k).fill(0))
    let matched = 0
    for (const { n, levels } of entries) {
      let pm = lambda
      let pu = 1 - lambda
      for (let c = 0; c < levels.length; c++) {
        const l = levels[c] as number
        if (l === 0) continue
        pm *= (m[c] as number[])[l] as number
        pu *= (u[c] as number[])[l] as number
      }
      const post = pm / (pm + pu)
      matched += n * post
      for (let c = 0; c < levels.length; c++) {
        const l = levels[c] as number
        const row = mNext[c] as number[]
        if (l !== 0) row[l] = (row[l] as number) + n * post
      }
    }
    const next = mNext.map((row) => {
      const s = row.slice(1).reduce((a, b) => a + b, 0) + (row.length - 1) * 1e-3
      return row.map((v, l) => (l === 0 ? 1 : (v + 1e-3) / s))
    })
    // no pattern to learn from (every candidate decided by a rule): λ stays where it started
    const lambdaNext = total > 0 ? Math.min(0.999, Math.max(1e-6, matched / total)) : lambda
    const delta = Math.max(
      Math.abs(lambdaNext - lambda),
      ...next.flatMap((row, c) => row.map((v, l) => Math.abs(v - ((m[c] as number[])[l] as number)))),
    )
    m = next
    lambda = lambdaNext
    if (delta < tolerance) break
  }
  return { m, lambda, iterations: done }
}
