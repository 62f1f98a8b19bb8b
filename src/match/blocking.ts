/**
 * Blocking: candidate pairs are the records that share at least one blocking key (a rule's value,
 * e.g. name + birth month). Pairs are packed into one float64 each (i·2^26 + j, exact below 2^53),
 * sorted and deduplicated in a typed array, so ten million candidates cost 80 MB, not a Set.
 */
import { keyHash } from './hash.ts'

export interface BlockingRule<R> {
  name: string
  /** The rule's keys for a record (several when a record has several phones), or none. */
  keys(r: R): string | null | readonly (string | null)[]
}

const SHIFT = 2 ** 26
export const MAX_RECORDS = SHIFT

export const packPair = (i: number, j: number): number => (i < j ? i * SHIFT + j : j * SHIFT + i)
export const pairLeft = (p: number): number => Math.floor(p / SHIFT)
export const pairRight = (p: number): number => p % SHIFT

class PairBuffer {
  data = new Float64Array(1 << 16)
  length = 0
  push(p: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = p
  }
}

export interface BlockingStats {
  rule: string
  blocks: number
  pairs: number
  /** Blocks left out because they were larger than the cap (a key too common to tell records apart). */
  oversized: number
}

export interface BlockingResult {
  pairs: Float64Array
  stats: BlockingStats[]
}

export type Feature<R> = (r: R) => string | null | readonly string[]

/**
 * A blocking rule from named features: the record's values joined (the cross product where a feature
 * has several, as phones do). No key when any feature is missing.
 */
export function ruleOf<R>(
  features: readonly string[],
  known: Readonly<Record<string, Feature<R>>>,
): BlockingRule<R> {
  const fns = features.map((f) => {
    const fn = known[f]
    if (!fn) throw new Error(`unknown blocking feature ${f}`)
    return fn
  })
  return {
    name: features.join('+'),
    keys(r) {
      let one = '' // while every value so far is single, no arrays are made
      let many: string[] | null = null
      for (const fn of fns) {
        const v = fn(r)
        if (v === null) return null
        if (typeof v === 'string') {
          if (many) many = many.map((k) => `${k}\u0001${v}`)
          else one = `${one}\u0001${v}`
          continue
        }
        if (v.length === 0) return null
        const base: string[] = many ?? [one]
        many = base.flatMap((k) => v.map((x) => `${k}\u0001${x}`))
      }
      return many ?? one
    },
  }
}

/** Each rule's keys for one record, deduplicated: what match_keys stores for the incremental path. */
export function keysOf<R>(r: R, rule: BlockingRule<R>): string[] {
  const k = rule.keys(r)
  if (k === null) return []
  if (typeof k === 'string') return [k]
  return [...new Set(k)].filter((x): x is string => x !== null)
}

/**
 * Candidate pairs under every rule. `only`, when given, keeps pairs with at least one record it
 * accepts: the incremental path blocks new records against everything without pairing old with old.
 */
export function candidatePairs<R>(
  records: readonly R[],
  rules: readonly BlockingRule<R>[],
  maxBlock: number,
  only?: (i: number) => boolean,
  /** Key hashes known to be oversized in the whole register though only some of their records are here. */
  oversized?: (hash: number) => boolean,
): BlockingResult {
  if (records.length > MAX_RECORDS) throw new Error(`blocking takes at most ${MAX_RECORDS} records at once`)
  const out = new PairBuffer()
  const stats: BlockingStats[] = []
  for (const rule of rules) {
    // keys are hashed: a number per key costs far less than the string, and match_keys stores the same
    const blocks = new Map<number, number[]>()
    for (let i = 0; i < records.length; i++) {
      const k = rule.keys(records[i] as R)
      if (k === null) continue
      if (typeof k === 'string') add(blocks, keyHash(rule.name, k), i)
      else for (const key of new Set(k)) if (key !== null) add(blocks, keyHash(rule.name, key), i)
    }
    const s: BlockingStats = { rule: rule.name, blocks: 0, pairs: 0, oversized: 0 }
    for (const [hash, members] of blocks) {
      if (members.length < 2) continue
      if (members.length > maxBlock || oversized?.(hash)) {
        s.oversized++
        continue
      }
      s.blocks++
      for (let x = 0; x < members.length; x++) {
        const i = members[x] as number
        const iNew = only ? only(i) : true
        for (let y = x + 1; y < members.length; y++) {
          const j = members[y] as number
          if (!iNew && !(only as (i: number) => boolean)(j)) continue
          out.push(packPair(i, j))
          s.pairs++
        }
      }
    }
    stats.push(s)
  }
  const sorted = out.data.subarray(0, out.length).sort()
  let n = 0
  for (let k = 0; k < sorted.length; k++)
    if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[n++] = sorted[k] as number
  return { pairs: sorted.slice(0, n), stats }
}

function add(blocks: Map<number, number[]>, key: number, i: number): void {
  const m = blocks.get(key)
  if (m) {
    if (m[m.length - 1] !== i) m.push(i)
  } else blocks.set(key, [i])
}
