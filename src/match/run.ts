/**
 * A full match: every mention of every source record resolved to golden houses, units and persons,
 * from source records plus steward decisions alone, in that order (a person's context is the house
 * they own or the unit they run). Reads everything once, resolves in memory, and writes links, edges
 * and golden records in one transaction, so a reader sees the old world or the new.
 */
import type { Database, Tx } from '../db/types.ts'
import { ulid } from '../ids.ts'
import { pairLeft, pairRight } from './blocking.ts'
import { assignIds, type IdAssignment } from './golden-ids.ts'
import { AddressCanon, clusterHouses, type HouseRecord, loadHouses } from './houses.ts'
import { type EntitySpec, Linker, type ScoredPairs, type TrainedModel } from './linker.ts'
import { activeModel, saveModel } from './models.ts'
import { loadPersons, type PersonRecord, personAnchor, personSpec } from './persons.ts'
import { resolve, type Resolution } from './resolve.ts'
import { type EntitySettings, loadSettings, type MatchSettings, settingsVersion } from './settings.ts'
import { attachByUniqueName, loadUnits, type UnitRecord, unitAnchor, unitSpec } from './units.ts'

export interface MatchOptions {
  settings?: MatchSettings
  /** Fit new models even when active ones exist for these settings. */
  retrain?: boolean
  log?: (line: string) => void
}

export interface EntitySummary {
  mentions: number
  clusters: number
  candidatePairs: number
  linked: number
  review: number
  modelVersion: string | null
  seconds: Record<string, number>
}

export interface MatchSummary {
  person: EntitySummary
  house: EntitySummary
  unit: EntitySummary
  seconds: { total: number; writing: number }
}

interface MentionRef {
  sourceRecordId: number
  role: string
}

/** One entity type resolved in memory, ready to write. */
export interface Resolved<R extends MentionRef> {
  entityType: 'person' | 'house' | 'unit'
  records: R[]
  groups: number[][]
  ids: IdAssignment
  resolution: Resolution | null
  scored: ScoredPairs | null
  model: TrainedModel | null
  freshModel: boolean
  settings: EntitySettings | null
  summary: EntitySummary
}

const clock = () => performance.now() / 1000
const refOf = (r: MentionRef): string => `${r.sourceRecordId}/${r.role}`

export async function matchAll(db: Database, opts: MatchOptions = {}): Promise<MatchSummary> {
  const t0 = clock()
  const settings = opts.settings ?? loadSettings()
  const log = opts.log ?? (() => {})

  let t = clock()
  const canon = await AddressCanon.learn(db)
  const houseRecords = await loadHouses(db, canon)
  const house = await resolveHouses(db, houseRecords, clock() - t)
  log(`houses: ${house.records.length} mentions → ${house.groups.length} houses`)

  t = clock()
  const unitRecords = await loadUnits(db, canon)
  const unit = await resolveEntity(db, unitSpec(settings.unit), unitRecords, unitAnchor, settings.unit, 'U', {
    retrain: opts.retrain ?? false,
    loadSeconds: clock() - t,
    attach: attachByUniqueName,
  })
  log(`units: ${unit.records.length} mentions → ${unit.groups.length} units`)

  t = clock()
  const personRecords = await loadPersons(db, canon)
  setContext(personRecords, house, unit)
  const person = await resolveEntity(
    db,
    personSpec(settings.person),
    personRecords,
    personAnchor,
    settings.person,
    'P',
    { retrain: opts.retrain ?? false, loadSeconds: clock() - t },
  )
  log(`persons: ${person.records.length} mentions → ${person.groups.length} persons`)

  t = clock()
  await db.transaction(async (tx) => {
    await tx.query(`delete from entity_links`)
    await tx.query(`delete from match_edges where source = 'model'`)
    for (const r of [house, unit, person] as Resolved<MentionRef>[]) await writeResolved(db, tx, r)
  })
  const writing = clock() - t
  return {
    person: person.summary,
    house: house.summary,
    unit: unit.summary,
    seconds: { total: clock() - t0, writing },
  }
}

/** Owners tie to the house of their record, legal reps and operators to its unit. */
function setContext(persons: PersonRecord[], house: Resolved<HouseRecord>, unit: Resolved<UnitRecord>): void {
  const clusterOf = (r: Resolved<MentionRef>, role: string) => {
    const m = new Map<number, string>()
    r.groups.forEach((g, c) => {
      for (const i of g) {
        const rec = r.records[i] as MentionRef
        if (rec.role === role) m.set(rec.sourceRecordId, r.ids.ids[c] as string)
      }
    })
    return m
  }
  const houses = clusterOf(house as Resolved<MentionRef>, 'house')
  const units = clusterOf(unit as Resolved<MentionRef>, 'unit')
  for (const p of persons) {
    if (p.role === 'owner') p.context = houses.get(p.sourceRecordId) ?? null
    else if (p.role === 'legal_rep' || p.role === 'operator') p.context = units.get(p.sourceRecordId) ?? null
  }
}

async function previousLinks(db: Database, entityType: string): Promise<Map<string, string>> {
  const rows = await db.query<{ source_record_id: string | number; role: string; golden_id: string }>(
    `select source_record_id, role, golden_id from entity_links where entity_type = $1`,
    [entityType],
  )
  return new Map(rows.map((r) => [`${r.source_record_id}/${r.role}`, r.golden_id]))
}

async function resolveHouses(
  db: Database,
  records: HouseRecord[],
  loadSeconds: number,
): Promise<Resolved<HouseRecord>> {
  const t = clock()
  const { clusterOf, keys } = clusterHouses(records)
  const groups: number[][] = keys.map(() => [])
  clusterOf.forEach((c, i) => (groups[c] as number[]).push(i))
  const previous = await previousLinks(db, 'house')
  const ids = assignIds(groups, (i) => previous.get(refOf(records[i] as HouseRecord)) ?? null, () => `H${ulid()}`)
  return {
    entityType: 'house',
    records,
    groups,
    ids,
    resolution: null,
    scored: null,
    model: null,
    freshModel: false,
    settings: null,
    summary: {
      mentions: records.length,
      clusters: groups.length,
      candidatePairs: 0,
      linked: 0,
      review: 0,
      modelVersion: null,
      seconds: { loading: loadSeconds, clustering: clock() - t },
    },
  }
}

async function resolveEntity<R extends MentionRef>(
  db: Database,
  spec: EntitySpec<R>,
  records: R[],
  anchor: (r: R) => string | null,
  settings: EntitySettings,
  idPrefix: string,
  opts: {
    retrain: boolean
    loadSeconds: number
    /** A pass after clustering that joins records by a rule no pair can see; returns those it joined. */
    attach?: (records: R[], find: (i: number) => number, union: (a: number, b: number) => boolean) => number[]
  },
): Promise<Resolved<R>> {
  const linker = new Linker(spec)
  let t = clock()
  const blocked = linker.block(records, settings.maxBlockSize)
  const blocking = clock() - t

  t = clock()
  const sv = settingsVersion(settings)
  let model = opts.retrain ? null : await activeModel(db, spec.entityType)
  const fresh = model === null || !model.version.startsWith(`${spec.entityType}-${sv}`)
  if (fresh) model = linker.train(records, blocked.pairs, settings.training, `${spec.entityType}-${sv}-${ulid()}`)
  const training = clock() - t
  const trained = model as TrainedModel

  t = clock()
  const scored = linker.score(trained, records, blocked.pairs)
  const scoring = clock() - t
  t = clock()
  const resolution = resolve(records.length, scored, (i) => anchor(records[i] as R), settings.thresholds)
  const { clusters } = resolution
  for (const i of opts.attach?.(records, (i) => clusters.find(i), (a, b) => clusters.union(a, b)) ?? []) {
    resolution.method[i] = 'rule'
    resolution.probability[i] = 1
  }
  const groups = [...resolution.clusters.groups().values()]
  const clustering = clock() - t
  const previous = await previousLinks(db, spec.entityType)
  const ids = assignIds(groups, (i) => previous.get(refOf(records[i] as R)) ?? null, () => `${idPrefix}${ulid()}`)
  return {
    entityType: spec.entityType,
    records,
    groups,
    ids,
    resolution,
    scored,
    model: trained,
    freshModel: fresh,
    settings,
    summary: {
      mentions: records.length,
      clusters: groups.length,
      candidatePairs: blocked.pairs.length,
      linked: resolution.positive.length,
      review: resolution.unsure.length,
      modelVersion: trained.version,
      seconds: { loading: opts.loadSeconds, blocking, training, scoring, clustering },
    },
  }
}

const LINK_COLUMNS = ['entity_type', 'source_record_id', 'role', 'golden_id', 'probability', 'method', 'model_version']
const EDGE_COLUMNS = [
  'entity_type',
  'left_source_record_id',
  'left_role',
  'right_source_record_id',
  'right_role',
  'judgement',
  'score',
  'model_version',
  'source',
]

async function writeResolved(db: Database, tx: Tx, r: Resolved<MentionRef>): Promise<void> {
  if (r.model && r.freshModel) await saveModel(tx, r.model, r.settings, settingsVersion(r.settings))
  await db.copyInto(tx, 'entity_links', LINK_COLUMNS, linkRows(r))
  if (r.scored && r.resolution) await db.copyInto(tx, 'match_edges', EDGE_COLUMNS, edgeRows(r))
  await writeIdHistory(tx, r.entityType, r.ids)
}

function* linkRows(r: Resolved<MentionRef>): Generator<unknown[]> {
  const version = r.model?.version ?? null
  for (let c = 0; c < r.groups.length; c++) {
    for (const i of r.groups[c] as number[]) {
      const rec = r.records[i] as MentionRef
      if (!r.resolution) {
        yield [r.entityType, rec.sourceRecordId, rec.role, r.ids.ids[c], 1, 'rule', null]
        continue
      }
      const p = r.resolution.probability[i] as number
      yield [
        r.entityType,
        rec.sourceRecordId,
        rec.role,
        r.ids.ids[c],
        Number.isNaN(p) ? null : p,
        r.resolution.method[i],
        version,
      ]
    }
  }
}

function* edgeRows(r: Resolved<MentionRef>): Generator<unknown[]> {
  const scored = r.scored as ScoredPairs
  const res = r.resolution as Resolution
  const version = r.model?.version ?? null
  const judged = [
    ...res.positive.map((x) => [x, 'positive'] as const),
    ...res.unsure.map((x) => [x, 'unsure'] as const),
  ]
  for (const [x, judgement] of judged) {
    const p = scored.pairs[x] as number
    const a = r.records[pairLeft(p)] as MentionRef
    const b = r.records[pairRight(p)] as MentionRef
    const w = scored.weights[x] as number
    const score = scored.decisions[x] === 1 ? 1 : 1 / (1 + 2 ** -w)
    yield [r.entityType, a.sourceRecordId, a.role, b.sourceRecordId, b.role, judgement, score, version, 'model']
  }
}

async function writeIdHistory(tx: Tx, entityType: string, ids: IdAssignment): Promise<void> {
  for (const { from, to } of ids.redirects)
    await tx.query(
      `insert into golden_redirects (entity_type, from_id, to_id, reason) values ($1, $2, $3, 'merged')
       on conflict (from_id) do update set to_id = excluded.to_id, at = now()`,
      [entityType, from, to],
    )
  // an id that now survives again must not keep redirecting elsewhere
  if (ids.ids.length > 0)
    await tx.query(`delete from golden_redirects where entity_type = $1 and from_id = any($2)`, [entityType, ids.ids])
  for (const l of ids.lineage)
    await tx.query(`insert into golden_lineage (entity_type, parent_id, child_id, event) values ($1, $2, $3, $4)`, [
      entityType,
      l.parent,
      l.child,
      l.event,
    ])
}
