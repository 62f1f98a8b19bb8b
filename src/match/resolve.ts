/**
 * From scored pairs to clusters: rule links first, then model links by weight, each through the
 * guarded union (cluster.ts). Steward edges outrank both. Returns, per record, the edge that holds it
 * in its cluster (its probability and method are what entity_links reports).
 */
import { pairLeft, pairRight } from './blocking.ts'
import { Clusters, type Link } from './cluster.ts'
import { RULE_APART, RULE_LINK, type ScoredPairs } from './linker.ts'
import { probability } from './model.ts'

export interface StewardEdge {
  a: number
  b: number
  judgement: 'positive' | 'negative' | 'unsure'
}

export type Method = 'rule' | 'model' | 'steward'

export interface Resolution {
  clusters: Clusters
  /** Per record: probability of the strongest link inside its cluster (null for a record alone). */
  probability: Float64Array
  method: Method[]
  /** Pair indexes (into scored.pairs) judged positive (≥ link) or unsure (review ≤ p < link). */
  positive: number[]
  unsure: number[]
}

const RULE_WEIGHT = 1e6
const STEWARD_WEIGHT = 2e6

export function resolve(
  n: number,
  scored: ScoredPairs,
  anchors: (i: number) => string | null,
  thresholds: { link: number; review: number },
  steward: readonly StewardEdge[] = [],
): Resolution {
  const clusters = new Clusters(n, anchors)
  for (const e of steward) if (e.judgement === 'negative') clusters.forbid(e.a, e.b)
  for (const e of steward) if (e.judgement === 'positive') clusters.union(e.a, e.b, true)
  // a steward's positive or negative decides the pair; 'unsure' leaves it to the model
  const stewardPairs = new Set(
    steward
      .filter((e) => e.judgement !== 'unsure')
      .map((e) => (e.a < e.b ? `${e.a}:${e.b}` : `${e.b}:${e.a}`)),
  )

  const links: (Link & { x: number })[] = []
  const positive: number[] = []
  const unsure: number[] = []
  for (let x = 0; x < scored.pairs.length; x++) {
    const p = scored.pairs[x] as number
    const a = pairLeft(p)
    const b = pairRight(p)
    if (stewardPairs.has(`${a}:${b}`)) continue
    const d = scored.decisions[x] as number
    if (d === RULE_APART) continue
    if (d === RULE_LINK) {
      links.push({ a, b, weight: RULE_WEIGHT, x })
      positive.push(x)
      continue
    }
    const pr = probability(scored.weights[x] as number)
    if (pr >= thresholds.link) positive.push(x)
    else if (pr >= thresholds.review) unsure.push(x)
    else continue
    links.push({ a, b, weight: scored.weights[x] as number, x })
  }
  clusters.unionAll(links)

  const prob = new Float64Array(n).fill(Number.NaN)
  const method = new Array<Method>(n).fill('model')
  const best = new Float64Array(n).fill(Number.NEGATIVE_INFINITY)
  const take = (i: number, w: number, m: Method, pr: number) => {
    if (w <= (best[i] as number)) return
    best[i] = w
    prob[i] = pr
    method[i] = m
  }
  for (const e of steward) {
    if (e.judgement !== 'positive' || clusters.find(e.a) !== clusters.find(e.b)) continue
    take(e.a, STEWARD_WEIGHT, 'steward', 1)
    take(e.b, STEWARD_WEIGHT, 'steward', 1)
  }
  for (const l of links) {
    if (clusters.find(l.a) !== clusters.find(l.b)) continue
    const isRule = l.weight === RULE_WEIGHT
    const pr = isRule ? 1 : probability(l.weight)
    take(l.a, l.weight, isRule ? 'rule' : 'model', pr)
    take(l.b, l.weight, isRule ? 'rule' : 'model', pr)
  }
  return { clusters, probability: prob, method, positive, unsure }
}
