import type { FieldProvenance } from '../../db/schema/columns.ts'
import type { TrustList } from './config.ts'

/*
 * The engine under survivorship: one total order per field over a golden record's members, and the
 * criterion that set the winner apart, which becomes the provenance rule. Written for a million calls:
 * trust ranks are compiled once into one Int32Array per source (one slot per field), and each call only
 * fills two scratch arrays sized to its members and scans them once per field.
 */

/** What every member has, whatever its entity type. */
export interface MemberBase {
  sourceRecordId: number
  source: string
  role: string
  seenAt: string
}

/** How one field chooses among members. */
export interface PickSpec<M> {
  /** Slot of the field in the trust vectors. */
  field: number
  /** Whether this member has a value for the field. */
  has(m: M): boolean
  /** Last resort between two members equal on everything else: their values, so that order never matters. */
  tie(a: M, b: M): number
  /** A criterion before trust, higher wins (validity: 2 valid, 1 unchecked, 0 invalid). */
  first?: (m: M) => number
  /** The rule a win on `first` is recorded as. */
  firstRule?: string
  /** After trust, higher wins (birth date: 3 day, 2 month, 1 year). */
  precision?: (m: M) => number
  /** Recency before trust (a registry's latest status). */
  recencyFirst?: boolean
}

export interface UnionSpec<M> {
  field: number
  /** A member's values, in its own order; a lone string is one value. */
  values(m: M): readonly string[] | string | null | undefined
}

// What set two members apart; the sign says which comes first (negative: the left one).
const FIRST = 1
const TRUST = 2
const PRECISE = 3
const RECENT = 4
const LOWEST_ID = 5
const TIE = 6

export const compareText = (a: string | null | undefined, b: string | null | undefined): number =>
  a === b ? 0 : a == null ? 1 : b == null ? -1 : a < b ? -1 : 1

const compareValues = (
  a: readonly string[] | string | null | undefined,
  b: readonly string[] | string | null | undefined,
): number => {
  if (typeof a === 'string' || typeof b === 'string' || a == null || b == null)
    return compareText(
      typeof a === 'string' || a == null ? a : a.join('\u0000'),
      typeof b === 'string' || b == null ? b : b.join('\u0000'),
    )
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareText(a[i], b[i])
    if (c) return c
  }
  return a.length - b.length
}

/** Milliseconds since the epoch; a missing or unreadable time counts as the oldest. */
const recency = (iso: string): number => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? -Infinity : t
}

/** Trust ranks of one entity type, compiled from its default list and per-field lists. */
export class TrustTable {
  readonly fields: readonly string[]
  private readonly bySource = new Map<string, Int32Array>()
  /** Ranks of a source no list names: after every listed one. */
  private readonly unlisted: Int32Array

  constructor(fields: readonly string[], lists: readonly TrustList[]) {
    this.fields = fields
    this.unlisted = Int32Array.from(lists, (list) => list.length)
    lists.forEach((list, field) =>
      list.forEach((entry, rank) => {
        for (const source of typeof entry === 'string' ? [entry] : entry) {
          let vector = this.bySource.get(source)
          if (!vector) this.bySource.set(source, (vector = Int32Array.from(this.unlisted)))
          vector[field] = rank
        }
      }),
    )
  }

  ranks(source: string): Int32Array {
    return this.bySource.get(source) ?? this.unlisted
  }
}

/**
 * Picks winners among the members of one golden record. begin() once per record, then pick() or
 * union() per field, then end(). Not re-entrant: one Picker per Survivorship, used synchronously.
 */
export class Picker<M extends MemberBase> {
  private members: readonly M[] = []
  private n = 0
  private ranks: Int32Array[] = []
  private seen = new Float64Array(16)
  private order: number[] = []
  private readonly trustRules = new Map<string, string>()
  /** The rule the last pick() or union() won by. */
  rule = ''

  constructor(private readonly trust: TrustTable) {}

  begin(members: readonly M[]): void {
    const n = members.length
    if (this.seen.length < n) this.seen = new Float64Array(Math.max(n, this.seen.length * 2))
    for (let i = 0; i < n; i++) {
      const m = members[i]!
      this.ranks[i] = this.trust.ranks(m.source)
      this.seen[i] = recency(m.seenAt)
    }
    this.members = members
    this.n = n
  }

  end(): void {
    this.members = []
    this.n = 0
  }

  member(i: number): M {
    return this.members[i]!
  }

  /** Negative when member i comes before member j; the magnitude is the criterion that decided. */
  private compare(spec: PickSpec<M>, i: number, j: number): number {
    const a = this.members[i]!
    const b = this.members[j]!
    if (spec.first) {
      const fa = spec.first(a)
      const fb = spec.first(b)
      if (fa !== fb) return fa > fb ? -FIRST : FIRST
    }
    const sa = this.seen[i]!
    const sb = this.seen[j]!
    if (spec.recencyFirst && sa !== sb) return sa > sb ? -RECENT : RECENT
    const ta = this.ranks[i]![spec.field]!
    const tb = this.ranks[j]![spec.field]!
    if (ta !== tb) return ta < tb ? -TRUST : TRUST
    if (spec.precision) {
      const pa = spec.precision(a)
      const pb = spec.precision(b)
      if (pa !== pb) return pa > pb ? -PRECISE : PRECISE
    }
    if (sa !== sb) return sa > sb ? -RECENT : RECENT
    return this.compareIdentity(a, b, spec.tie(a, b))
  }

  private compareIdentity(a: M, b: M, tie: number): number {
    if (a.sourceRecordId !== b.sourceRecordId)
      return a.sourceRecordId < b.sourceRecordId ? -LOWEST_ID : LOWEST_ID
    const c =
      compareText(a.role, b.role) || compareText(a.source, b.source) || tie || compareText(a.seenAt, b.seenAt)
    return c < 0 ? -TIE : c > 0 ? TIE : 0
  }

  private ruleOf(criterion: number, winner: M, spec: PickSpec<M>): string {
    switch (criterion) {
      case FIRST:
        return spec.firstRule ?? 'valid'
      case TRUST: {
        let rule = this.trustRules.get(winner.source)
        if (rule === undefined) this.trustRules.set(winner.source, (rule = `trust:${winner.source}`))
        return rule
      }
      case PRECISE:
        return 'most-precise'
      case RECENT:
        return 'recent'
      case LOWEST_ID:
        return 'lowest-id'
      default:
        return 'tie'
    }
  }

  /**
   * The index of the winning member among those with a value (-1 if none), its rule in `this.rule`:
   * 'only' for a lone candidate, else the criterion that set it apart from the runner-up. `accept`, when
   * given, narrows the candidates further (the birth dates that refine the winner's).
   */
  pick(spec: PickSpec<M>, accept?: (m: M) => boolean): number {
    let best = -1
    let second = -1
    for (let i = 0; i < this.n; i++) {
      const m = this.members[i]!
      if (!spec.has(m) || (accept && !accept(m))) continue
      if (best < 0) best = i
      else if (this.compare(spec, i, best) < 0) {
        second = best
        best = i
      } else if (second < 0 || this.compare(spec, i, second) < 0) second = i
    }
    if (best < 0) this.rule = ''
    else if (second < 0) this.rule = 'only'
    else this.rule = this.ruleOf(Math.abs(this.compare(spec, best, second)), this.members[best]!, spec)
    return best
  }

  /**
   * Every member's values, members ordered by trust, then recency, then id; duplicates dropped. Returns
   * the index of the first contributor (-1 if none); `this.rule` is 'union'.
   */
  union(spec: UnionSpec<M>, out: string[]): number {
    const order = this.order
    order.length = 0
    for (let i = 0; i < this.n; i++) {
      const v = spec.values(this.members[i]!)
      if (v != null && v.length > 0) order.push(i)
    }
    if (order.length > 1)
      order.sort((i, j) => {
        const ta = this.ranks[i]![spec.field]!
        const tb = this.ranks[j]![spec.field]!
        if (ta !== tb) return ta - tb
        const sa = this.seen[i]!
        const sb = this.seen[j]!
        if (sa !== sb) return sa > sb ? -1 : 1
        const a = this.members[i]!
        const b = this.members[j]!
        return this.compareIdentity(a, b, compareValues(spec.values(a), spec.values(b)))
      })
    let first = -1
    for (const i of order) {
      const v = spec.values(this.members[i]!)
      if (typeof v === 'string') {
        if (!out.includes(v)) out.push(v)
        if (first < 0) first = i
      } else if (v)
        for (const value of v)
          if (value !== '' && !out.includes(value)) {
            out.push(value)
            if (first < 0) first = i
          }
    }
    this.rule = first < 0 ? '' : 'union'
    return first
  }

  /** Provenance of member i under the last rule. */
  provenance(i: number): FieldProvenance {
    const m = this.members[i]!
    return { sourceRecordId: m.sourceRecordId, source: m.source, rule: this.rule, at: m.seenAt }
  }
}
