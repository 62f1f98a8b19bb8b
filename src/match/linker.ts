/**
 * The generic pass every entity type runs: block → compare → (train) → score. Records are plain
 * objects held in memory; comparisons return level numbers, which pack into one pattern per pair, so
 * EM and scoring work on a few hundred distinct patterns however many pairs there are.
 */
import type { EntityType } from '../../schemas/mentions.ts'
import { type BlockingRule, type BlockingStats, candidatePairs, pairLeft, pairRight } from './blocking.ts'
import {
  estimateM,
  estimateU,
  levelOf,
  levelWeights,
  log2,
  type ModelParams,
  packPattern,
  priorWeight,
} from './model.ts'
import type { TrainingSettings } from './settings.ts'

export interface Comparison<R> {
  name: string
  levels: readonly string[] // [0] = 'null'
  level(a: R, b: R): number
  /** Term-frequency adjustment at one level: the value both records agree on. */
  tf?: { level: number; value(r: R): string | null }
}

/** A rule decides a pair outright: 'link' (one resident id) or 'apart' (two different valid ids). */
export interface HardRule<R> {
  name: string
  judge(a: R, b: R): 'link' | 'apart' | null
}

export interface EntitySpec<R> {
  entityType: EntityType
  comparisons: readonly Comparison<R>[]
  blocking: readonly BlockingRule<R>[]
  rules: readonly HardRule<R>[]
  /** Starting m per comparison for EM: the share of true matches at each level. */
  startM: readonly (readonly number[])[]
  startLambda: number
}

export const RULE_LINK = 1
export const RULE_APART = -1

export interface ScoredPairs {
  pairs: Float64Array
  weights: Float64Array
  /** RULE_LINK, RULE_APART, or 0 when the model decided; the rule's index is in ruleIndex. */
  decisions: Int8Array
  ruleIndex: Int8Array
  patterns: Uint32Array
}

export interface TfTable {
  values: Record<string, number>
  floor: number
}

export interface TrainedModel extends ModelParams {
  tf: Record<string, TfTable>
}

export interface LinkerStats {
  blocking: BlockingStats[]
  candidatePairs: number
  seconds: { blocking: number; scoring: number; training: number }
}

export class Linker<R> {
  constructor(private readonly spec: EntitySpec<R>) {}

  get entityType(): EntityType {
    return this.spec.entityType
  }

  /** Pattern of levels for one pair. */
  levels(a: R, b: R): number[] {
    return this.spec.comparisons.map((c) => c.level(a, b))
  }

  judge(a: R, b: R): { decision: number; rule: number } {
    const rules = this.spec.rules
    for (let k = 0; k < rules.length; k++) {
      const d = (rules[k] as HardRule<R>).judge(a, b)
      if (d) return { decision: d === 'link' ? RULE_LINK : RULE_APART, rule: k }
    }
    return { decision: 0, rule: -1 }
  }

  ruleName(k: number): string {
    return this.spec.rules[k]?.name ?? 'model'
  }

  /** Train u on random pairs and m, λ by EM on the candidate pairs' patterns. */
  train(
    records: readonly R[],
    candidates: Float64Array,
    settings: TrainingSettings,
    version: string,
  ): TrainedModel {
    const { comparisons } = this.spec
    const counts = comparisons.map((c) => new Array<number>(c.levels.length).fill(0))
    let seed = settings.seed >>> 0 || 1
    const rand = () => {
      // xorshift32: deterministic sampling, so a seed gives the same model
      seed ^= seed << 13
      seed >>>= 0
      seed ^= seed >>> 17
      seed ^= seed << 5
      seed >>>= 0
      return seed / 2 ** 32
    }
    const n = records.length
    if (n >= 2) {
      for (let s = 0; s < settings.randomPairs; s++) {
        const i = Math.floor(rand() * n)
        let j = Math.floor(rand() * (n - 1))
        if (j >= i) j++
        const a = records[i] as R
        const b = records[j] as R
        comparisons.forEach((c, k) => {
          const row = counts[k] as number[]
          const l = c.level(a, b)
          row[l] = (row[l] as number) + 1
        })
      }
    }
    const u = estimateU(counts)
    const patterns = new Map<number, number>()
    let ruleLinks = 0
    for (let k = 0; k < candidates.length; k++) {
      const p = candidates[k] as number
      const a = records[pairLeft(p)] as R
      const b = records[pairRight(p)] as R
      const { decision } = this.judge(a, b)
      if (decision === RULE_LINK) ruleLinks++
      if (decision !== 0) continue
      const pattern = packPattern(this.levels(a, b))
      patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1)
    }
    const em = estimateM(
      patterns,
      comparisons.map((c) => c.levels.length),
      u,
      { m: this.spec.startM.map((r) => [...r]), lambda: this.spec.startLambda },
      settings.emIterations,
    )
    // EM's λ is the match share among candidate pairs; the model's prior is over all pairs (Splink's
    // probability that two random records match), since u was measured on random pairs
    const matches = ruleLinks + em.lambda * [...patterns.values()].reduce((a, b) => a + b, 0)
    const allPairs = n >= 2 ? (n * (n - 1)) / 2 : 1
    const lambda = Math.min(0.5, Math.max(matches, 1) / allPairs)
    const tf: Record<string, TfTable> = {}
    for (const c of comparisons) if (c.tf) tf[c.name] = tfTable(records, c.tf.value, settings.tfMinCount)
    return {
      entityType: this.spec.entityType,
      version,
      lambda,
      comparisons: comparisons.map((c, k) => ({
        name: c.name,
        levels: c.levels,
        m: em.m[k] as number[],
        u: u[k] as number[],
        tfLevel: c.tf?.level ?? null,
      })),
      trainedAt: new Date().toISOString(),
      trainingPairs: [...patterns.values()].reduce((a, b) => a + b, 0),
      emIterations: em.iterations,
      tf,
    }
  }

  /** The weight of each comparison for one pair, and their sum with the prior: the explanation. */
  explain(
    model: TrainedModel,
    a: R,
    b: R,
  ): { terms: { name: string; level: string; weight: number }[]; weight: number } {
    const table = levelWeights(model)
    const terms = this.spec.comparisons.map((c, k) => {
      const l = c.level(a, b)
      return { name: c.name, level: c.levels[l] ?? '?', weight: this.termWeight(model, table, k, l, a) }
    })
    return { terms, weight: priorWeight(model) + terms.reduce((s, t) => s + t.weight, 0) }
  }

  private termWeight(model: TrainedModel, table: number[][], k: number, l: number, a: R): number {
    const c = this.spec.comparisons[k] as Comparison<R>
    const base = (table[k] as number[])[l] as number
    if (!c.tf || l !== c.tf.level) return base
    const t = model.tf[c.name]
    const v = c.tf.value(a)
    if (!t || v === null) return base
    const u = t.values[v] ?? t.floor
    const m = (model.comparisons[k]?.m[l] as number) ?? 1
    return log2(m / u)
  }

  /** Candidate pairs, optionally only those touching records `only` accepts. */
  block(
    records: readonly R[],
    maxBlock: number,
    only?: (i: number) => boolean,
    oversized?: (hash: number) => boolean,
  ) {
    return candidatePairs(records, this.spec.blocking, maxBlock, only, oversized)
  }

  score(model: TrainedModel, records: readonly R[], pairs: Float64Array): ScoredPairs {
    const table = levelWeights(model)
    const prior = priorWeight(model)
    const n = pairs.length
    const out: ScoredPairs = {
      pairs,
      weights: new Float64Array(n),
      decisions: new Int8Array(n),
      ruleIndex: new Int8Array(n).fill(-1),
      patterns: new Uint32Array(n),
    }
    const patternWeight = new Map<number, number>()
    const tfComparisons = this.spec.comparisons.flatMap((c, k) => (c.tf ? [k] : []))
    for (let x = 0; x < n; x++) {
      const p = pairs[x] as number
      const a = records[pairLeft(p)] as R
      const b = records[pairRight(p)] as R
      const { decision, rule } = this.judge(a, b)
      out.decisions[x] = decision
      out.ruleIndex[x] = rule
      const levels = this.levels(a, b)
      const pattern = packPattern(levels)
      out.patterns[x] = pattern
      let w = patternWeight.get(pattern)
      if (w === undefined) {
        w = prior
        for (let k = 0; k < levels.length; k++) w += (table[k] as number[])[levels[k] as number] as number
        patternWeight.set(pattern, w)
      }
      for (const k of tfComparisons) {
        const c = this.spec.comparisons[k] as Comparison<R>
        const l = levelOf(pattern, k)
        if (l === c.tf?.level)
          w += this.termWeight(model, table, k, l, a) - ((table[k] as number[])[l] as number)
      }
      out.weights[x] = w
    }
    return out
  }
}

/** Relative frequency of each value seen at least minCount times; rarer values share the floor. */
function tfTable<R>(records: readonly R[], value: (r: R) => string | null, minCount: number): TfTable {
  const counts = new Map<string, number>()
  let total = 0
  for (const r of records) {
    const v = value(r)
    if (v === null) continue
    total++
    counts.set(v, (counts.get(v) ?? 0) + 1)
  }
  const values: Record<string, number> = Object.create(null) as Record<string, number>
  for (const [v, c] of counts) if (c >= minCount) values[v] = c / total
  return { values, floor: minCount / Math.max(total, 1) }
}
