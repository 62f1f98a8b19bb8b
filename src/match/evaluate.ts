/**
 * Scoring the hub's clusters against a ground truth (truth.csv from `sanshi fixtures`, or a hand-checked
 * sample): pairwise and B-cubed precision, recall and F1 per entity type, and the worst false merges and
 * splits by ref. Pure: no database, no files. Pairs are counted from the contingency table (sum over cells
 * of C(n, 2)), never enumerated, so two million mentions take seconds. Nothing here carries a name, a
 * resident id or a phone: only mention refs (source:record_id/role) and entity ids.
 */

export const ENTITY_TYPES = ['person', 'house', 'unit'] as const
export type EntityType = (typeof ENTITY_TYPES)[number]

/** One mention (a role of a source record) and the entity it belongs to; entityId '' = not linked yet. */
export interface LinkRow {
  source: string
  recordId: string
  role: string
  entityType: EntityType
  entityId: string
}

export interface EvaluateOptions {
  /** How many worst merges and worst splits to show per entity type (default 5). */
  examples?: number
}

/** null when there is nothing to score (no mention in both). */
export interface Scores {
  precision: number | null
  recall: number | null
  f1: number | null
}

export interface PairwiseScores extends Scores {
  /** Pairs of compared mentions in one hub cluster and one truth entity. */
  truePositives: number
  /** Pairs the hub put together (within the compared mentions). */
  hubPairs: number
  /** Pairs the truth puts together (within the compared mentions). */
  truthPairs: number
}

export interface MemberCount {
  id: string
  mentions: number
}

/** A hub cluster that holds mentions of several truth entities. */
export interface MergeExample {
  hubId: string
  size: number
  /** Pairs in the cluster whose two mentions belong to different truth entities. */
  wrongPairs: number
  entityCount: number
  /** The largest truth entities in the cluster (at most 10), largest first. */
  entities: MemberCount[]
  /** Up to 6 refs `source:record_id/role`, drawn from the entities in turn. */
  members: string[]
}

/** A truth entity whose mentions the hub spread over several clusters. */
export interface SplitExample {
  truthId: string
  size: number
  /** Pairs of the entity's mentions that the hub left in different clusters. */
  missedPairs: number
  clusterCount: number
  /** The largest hub clusters holding the entity (at most 10), largest first. */
  clusters: MemberCount[]
  members: string[]
}

export interface TypeEvaluation {
  /** Mentions in the truth and linked by the hub: the ones scored. */
  mentions: number
  /** In the truth, absent from the hub (e.g. rows the hub refused at ingest). */
  truthOnly: number
  /** In the hub but not scored: absent from the truth, or not linked yet. */
  hubOnly: number
  /** Of hubOnly: hub mentions with no golden id yet. */
  unlinked: number
  /** Distinct truth entities among the scored mentions. */
  truthEntities: number
  /** Distinct hub clusters among the scored mentions. */
  hubClusters: number
  pairwise: PairwiseScores
  bcubed: Scores
  worstMerges: MergeExample[]
  worstSplits: SplitExample[]
}

export type Evaluation = Record<EntityType, TypeEvaluation>

/** A mention given twice on one side with different entity ids. */
export class ConflictingMentionError extends Error {
  readonly side: 'truth' | 'hub'
  readonly ref: string

  constructor(side: 'truth' | 'hub', ref: string) {
    super(`${ref} is given twice in the ${side} with different entity ids`)
    this.name = 'ConflictingMentionError'
    this.side = side
    this.ref = ref
  }
}

const SEP = '\u0000'
const MAX_LISTED = 10
const MAX_MEMBERS = 6
/** Label of a mention not seen on that side; UNLINKED: seen in the hub with an empty entity id. */
const ABSENT = -1
const UNLINKED = -2

export const mentionRef = (source: string, recordId: string, role: string): string =>
  `${source}:${recordId}/${role}`

const pairs = (n: number): number => (n * (n - 1)) / 2

const f1 = (p: number | null, r: number | null): number | null =>
  p === null || r === null ? null : p + r === 0 ? 0 : (2 * p * r) / (p + r)

/** The mentions of one entity type on both sides, as small integers. */
class TypeTally {
  // (source, role) → group; per group, record id → mention. Record ids are kept as given (no key strings
  // built per row): most of the time over millions of rows goes to making and hashing strings.
  private readonly groups = new Map<string, number>()
  private readonly groupRefs: [source: string, role: string][] = []
  private readonly byRecord: Map<string, number>[] = []
  private readonly recordIds: string[] = []
  private readonly groupOf: number[] = []
  private readonly truthLabel: number[] = []
  private readonly hubLabel: number[] = []
  private readonly truthIds = new Map<string, number>()
  private readonly hubIds = new Map<string, number>()
  private lastGroup = 0

  private get size(): number {
    return this.recordIds.length
  }

  private ref(i: number): string {
    const [source, role] = this.groupRefs[this.groupOf[i]!]!
    return mentionRef(source, this.recordIds[i]!, role)
  }

  add(side: 'truth' | 'hub', row: LinkRow): void {
    let label = UNLINKED
    if (row.entityId !== '') {
      const ids = side === 'truth' ? this.truthIds : this.hubIds
      label = ids.get(row.entityId) ?? -1
      if (label < 0) {
        label = ids.size
        ids.set(row.entityId, label)
      }
    } else if (side === 'truth')
      throw new Error(`${mentionRef(row.source, row.recordId, row.role)}: a truth row needs an entity id`)
    // rows mostly come in runs of one source and role
    let g = this.lastGroup
    const last = this.groupRefs[g]
    if (!last || last[0] !== row.source || last[1] !== row.role) {
      const groupKey = row.source + SEP + row.role
      g = this.groups.get(groupKey) ?? -1
      if (g < 0) {
        g = this.byRecord.length
        this.groups.set(groupKey, g)
        this.groupRefs.push([row.source, row.role])
        this.byRecord.push(new Map())
      }
      this.lastGroup = g
    }
    const records = this.byRecord[g]!
    let i = records.get(row.recordId)
    if (i === undefined) {
      i = this.recordIds.length
      records.set(row.recordId, i)
      this.recordIds.push(row.recordId)
      this.groupOf.push(g)
      this.truthLabel.push(ABSENT)
      this.hubLabel.push(ABSENT)
    }
    const labels = side === 'truth' ? this.truthLabel : this.hubLabel
    const before = labels[i]!
    if (before !== ABSENT && before !== label) throw new ConflictingMentionError(side, this.ref(i))
    labels[i] = label
  }

  result(examples: number): TypeEvaluation {
    const T = this.truthIds.size
    const H = this.hubIds.size
    const truthSize = new Float64Array(T)
    const hubSize = new Float64Array(H)
    // contingency cell (truth t, hub h) → mentions; the key t·H + h stays below 2^53
    const cells = new Map<number, number>()
    let mentions = 0
    let truthOnly = 0
    let hubOnly = 0
    let unlinked = 0
    for (let i = 0; i < this.size; i++) {
      const t = this.truthLabel[i]!
      const h = this.hubLabel[i]!
      if (h === UNLINKED) unlinked++
      if (t >= 0 && h >= 0) {
        mentions++
        truthSize[t]!++
        hubSize[h]!++
        const c = t * H + h
        cells.set(c, (cells.get(c) ?? 0) + 1)
      } else if (t >= 0 && h === ABSENT) truthOnly++
      else if (h !== ABSENT) hubOnly++
    }

    let truthEntities = 0
    let truthPairs = 0
    for (const a of truthSize)
      if (a > 0) {
        truthEntities++
        truthPairs += pairs(a)
      }
    let hubClusters = 0
    let hubPairs = 0
    for (const b of hubSize)
      if (b > 0) {
        hubClusters++
        hubPairs += pairs(b)
      }

    // per hub cluster, the pairs that agree with the truth; per truth entity, the same
    const agreeInHub = new Float64Array(H)
    const agreeInTruth = new Float64Array(T)
    let truePositives = 0
    let bPrecision = 0
    let bRecall = 0
    for (const [c, n] of cells) {
      const t = Math.floor(c / H)
      const h = c - t * H
      const p = pairs(n)
      truePositives += p
      agreeInHub[h]! += p
      agreeInTruth[t]! += p
      bPrecision += (n * n) / hubSize[h]!
      bRecall += (n * n) / truthSize[t]!
    }

    const none = mentions === 0
    const precision = none ? null : hubPairs === 0 ? 1 : truePositives / hubPairs
    const recall = none ? null : truthPairs === 0 ? 1 : truePositives / truthPairs
    const bp = none ? null : bPrecision / mentions
    const br = none ? null : bRecall / mentions

    const worst = (size: Float64Array, agree: Float64Array, names: string[]) => {
      const found: { label: number; wrong: number }[] = []
      for (let k = 0; k < size.length; k++) {
        const wrong = pairs(size[k]!) - agree[k]!
        if (wrong > 0) found.push({ label: k, wrong })
      }
      return found
        .sort(
          (x, y) =>
            y.wrong - x.wrong ||
            size[y.label]! - size[x.label]! ||
            (names[x.label]! < names[y.label]! ? -1 : 1),
        )
        .slice(0, examples)
    }
    const truthNames = [...this.truthIds.keys()]
    const hubNames = [...this.hubIds.keys()]
    const merges = examples > 0 ? worst(hubSize, agreeInHub, hubNames) : []
    const splits = examples > 0 ? worst(truthSize, agreeInTruth, truthNames) : []

    return {
      mentions,
      truthOnly,
      hubOnly,
      unlinked,
      truthEntities,
      hubClusters,
      pairwise: { precision, recall, f1: f1(precision, recall), truePositives, hubPairs, truthPairs },
      bcubed: { precision: bp, recall: br, f1: f1(bp, br) },
      worstMerges: this.describe(merges, 'hub', truthNames).map(({ label, wrong, parts, members }) => ({
        hubId: hubNames[label]!,
        size: hubSize[label]!,
        wrongPairs: wrong,
        entityCount: parts.length,
        entities: parts.slice(0, MAX_LISTED),
        members,
      })),
      worstSplits: this.describe(splits, 'truth', hubNames).map(({ label, wrong, parts, members }) => ({
        truthId: truthNames[label]!,
        size: truthSize[label]!,
        missedPairs: wrong,
        clusterCount: parts.length,
        clusters: parts.slice(0, MAX_LISTED),
        members,
      })),
    }
  }

  /**
   * For each chosen group (a hub cluster, or a truth entity), how its scored mentions spread over the
   * other side's ids, and a few member refs drawn from each part in turn. Independent of input order.
   */
  private describe(chosen: { label: number; wrong: number }[], side: 'truth' | 'hub', otherNames: string[]) {
    const own = side === 'hub' ? this.hubLabel : this.truthLabel
    const other = side === 'hub' ? this.truthLabel : this.hubLabel
    const slot = new Map(chosen.map((c, k) => [c.label, k]))
    const groups = chosen.map(() => new Map<number, string[]>())
    if (chosen.length > 0)
      for (let i = 0; i < this.size; i++) {
        const k = slot.get(own[i]!)
        const o = other[i]!
        if (k === undefined || o < 0) continue
        const group = groups[k]!
        const refs = group.get(o)
        if (refs) refs.push(this.ref(i))
        else group.set(o, [this.ref(i)])
      }
    return chosen.map((c, k) => {
      const parts = [...groups[k]!]
        .map(([o, refs]) => ({ id: otherNames[o]!, refs: refs.sort() }))
        .sort((x, y) => y.refs.length - x.refs.length || (x.id < y.id ? -1 : 1))
      const members: string[] = []
      for (let round = 0; members.length < MAX_MEMBERS; round++) {
        let any = false
        for (const p of parts) {
          const ref = p.refs[round]
          if (ref === undefined) continue
          any = true
          if (members.length < MAX_MEMBERS) members.push(ref)
        }
        if (!any) break
      }
      return { ...c, parts: parts.map((p) => ({ id: p.id, mentions: p.refs.length })), members }
    })
  }
}

/**
 * Collects truth and hub rows in any order, then scores. Use it directly to stream rows in (the CLI reads
 * the truth file and the database a page at a time); `evaluate` wraps it for plain iterables.
 */
export class Evaluator {
  private readonly tallies: Record<EntityType, TypeTally> = {
    person: new TypeTally(),
    house: new TypeTally(),
    unit: new TypeTally(),
  }

  /** Throws ConflictingMentionError when a mention was already given with another entity id. */
  addTruth(row: LinkRow): void {
    this.tally(row).add('truth', row)
  }

  addHub(row: LinkRow): void {
    this.tally(row).add('hub', row)
  }

  result(opts: EvaluateOptions = {}): Evaluation {
    const examples = Math.max(0, Math.floor(opts.examples ?? 5))
    return {
      person: this.tallies.person.result(examples),
      house: this.tallies.house.result(examples),
      unit: this.tallies.unit.result(examples),
    }
  }

  private tally(row: LinkRow): TypeTally {
    const t = this.tallies[row.entityType] as TypeTally | undefined
    if (!t) throw new Error(`unknown entity type ${JSON.stringify(row.entityType)}`)
    return t
  }
}

export const evaluate = (
  truth: Iterable<LinkRow>,
  hub: Iterable<LinkRow>,
  opts: EvaluateOptions = {},
): Evaluation => {
  const e = new Evaluator()
  for (const row of truth) e.addTruth(row)
  for (const row of hub) e.addHub(row)
  return e.result(opts)
}
