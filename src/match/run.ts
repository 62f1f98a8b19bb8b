/**
 * Matching runs: houses, then units, then persons (a person's context is the house they own or the
 * unit they run), each resolved in memory and written in one transaction, so a reader sees the old
 * world or the new.
 *
 * Full: every mention, from source records plus steward decisions alone.
 * Incremental: the mentions not yet linked (or changed since), the mentions sharing a blocking key with
 * them (found through match_keys), and every member of the golden records those touch. That
 * neighbourhood goes through the very same resolution as a full run, with the same model and the
 * register-wide block sizes, so both paths give the same clusters.
 */
import type { EntityType } from '../../schemas/mentions.ts'
import { withoutIndexes } from '../db/bulk.ts'
import type { Database, Tx } from '../db/types.ts'
import { ulid } from '../ids.ts'
import { type BlockingRule, keysOf, pairLeft, pairRight } from './blocking.ts'
import { GOLDEN_TABLES, type GoldenCounts, type GoldenScope, writeGolden } from './golden.ts'
import { assignIds, type IdAssignment } from './golden-ids.ts'
import { assignGrids } from './grid-assignment/index.ts'
import { AddressCanon, clusterHouses, type HouseRecord, loadHouses } from './houses.ts'
import { KEY_COLUMNS, keyHash, keyText, lookupKeys } from './keys.ts'
import { type EntitySpec, Linker, type ScoredPairs, type TrainedModel } from './linker.ts'
import { activeModel, saveModel } from './models.ts'
import { loadPersons, type PersonRecord, personAnchor, personSpec } from './persons.ts'
import { resolve, type Resolution, type StewardEdge } from './resolve.ts'
import { type EntitySettings, loadSettings, type MatchSettings, settingsVersion } from './settings.ts'
import { loadSurvivorship, type Survivorship } from './survivorship/index.ts'
import { attachByUniqueName, loadUnits, type UnitRecord, unitAnchor, unitSpec } from './units.ts'

export interface MatchOptions {
  settings?: MatchSettings
  /** Rebuild everything instead of resolving what is new (forced when nothing was matched before). */
  full?: boolean
  /** Fit new models even when active ones exist for these settings (implies full). */
  retrain?: boolean
  survivorship?: Survivorship
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
  mode: 'full' | 'incremental'
  /** Mentions new or changed since the last match (all of them on a full run). */
  changed: number
  person: EntitySummary
  house: EntitySummary
  unit: EntitySummary
  golden: GoldenCounts
  seconds: { total: number; writing: number; writeSteps: Record<string, number> }
}

export interface MentionRef {
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
  rules: readonly BlockingRule<R>[]
  /** Golden id of each mention before this run (`sourceRecordId/role`), as far as it was loaded. */
  previous: Map<string, string>
  /** An incremental run's loaded mentions' stored links, as linkSignature: those unchanged stay as they are. */
  stored: Map<string, string>
  summary: EntitySummary
}

const clock = () => performance.now() / 1000
const refOf = (r: MentionRef): string => `${r.sourceRecordId}/${r.role}`
const HOUSE_RULE: BlockingRule<HouseRecord> = { name: 'key', keys: (r) => r.key }

export async function matchAll(db: Database, opts: MatchOptions = {}): Promise<MatchSummary> {
  const t0 = clock()
  const settings = opts.settings ?? loadSettings()
  const log = opts.log ?? (() => {})
  const retrain = opts.retrain ?? false
  const [{ now: startedAt } = { now: new Date() }] = await db.query<{ now: Date }>(`select now() as now`)
  const full = opts.full || retrain || !(await hasMatched(db, settings))
  // the batches this run takes in: committed before it looked, not taken in by an earlier run
  const batches = (
    await db.query<{ id: string }>(`select id from batches where status = 'committed' and matched_at is null`)
  ).map((b) => b.id)
  let t = clock()
  // the aliases scan every house mention: on a second connection, beside the look for what changed
  const [changes, canon] = await Promise.all([
    full ? null : dirtyMentions(db, batches),
    AddressCanon.learn(db),
  ])
  const dirty = changes?.dirty ?? null
  const changed = dirty ? dirty.house.size + dirty.unit.size + dirty.person.size : -1
  // houses: the changed ones, and every mention already at their keys
  let houseRecords = await loadHouses(db, canon, dirty ? [...dirty.house] : undefined)
  if (dirty)
    houseRecords = await widen(
      db,
      'house',
      houseRecords,
      [HOUSE_RULE],
      dirty.house,
      (ids) => loadHouses(db, canon, ids),
      0,
    )
  const house = await resolveHouses(db, houseRecords, clock() - t, !dirty)
  log(`houses: ${house.records.length} mentions → ${house.groups.length} houses`)

  t = clock()
  const uSpec = unitSpec(settings.unit)
  const unitHood = dirty
    ? await neighbourhood(db, 'unit', dirty.unit, uSpec.blocking, settings.unit.maxBlockSize, (ids) =>
        loadUnits(db, canon, ids),
      )
    : null
  const unitRecords = unitHood ? unitHood.records : await loadUnits(db, canon)
  const unit = await resolveEntity(db, uSpec, unitRecords, unitAnchor, settings.unit, 'U', {
    retrain,
    loadSeconds: clock() - t,
    attach: attachByUniqueName,
    oversized: unitHood?.oversized,
    before: unitHood ?? undefined,
    all: !dirty,
  })
  log(`units: ${unit.records.length} mentions → ${unit.groups.length} units`)

  t = clock()
  const pSpec = personSpec(settings.person)
  const load = async (ids?: number[]) => {
    const rs = await loadPersons(db, canon, ids)
    await setContext(db, rs, house, unit)
    return rs
  }
  const personHood = dirty
    ? await neighbourhood(db, 'person', dirty.person, pSpec.blocking, settings.person.maxBlockSize, load)
    : null
  const personRecords = personHood ? personHood.records : await load()
  const person = await resolveEntity(db, pSpec, personRecords, personAnchor, settings.person, 'P', {
    retrain,
    loadSeconds: clock() - t,
    oversized: personHood?.oversized,
    before: personHood ?? undefined,
    all: !dirty,
  })
  log(`persons: ${person.records.length} mentions → ${person.groups.length} persons`)

  t = clock()
  const survivorship = opts.survivorship ?? loadSurvivorship()
  const world = { house, unit, person } as const
  const steps: Record<string, number> = {}
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t1 = clock()
    const v = await fn()
    steps[name] = (steps[name] ?? 0) + clock() - t1
    return v
  }
  const resolved = [house, unit, person] as Resolved<MentionRef>[]
  const summary = await db.transaction(async (tx) => {
    let golden: GoldenCounts
    if (dirty) {
      // only what changed is written: clusters with a new or changed mention, or whose id moved
      const part = {
        house: touchedPart(house, dirty.house),
        unit: touchedPart(unit, dirty.unit),
        person: touchedPart(person, dirty.person),
      }
      for (const type of ['house', 'unit', 'person'] as const)
        await writeChanged(
          db,
          tx,
          part[type] as Resolved<MentionRef>,
          dirty[type],
          changes!.orphans[type],
          step,
        )
      golden = await step('golden', () =>
        writeGolden(db, tx, part, survivorship, partialScope(part, changes!.orphans)),
      )
      // grids from the imported grid files (coverage, polygons) for the houses this run rewrote
      await step('grids', () => assignGrids(db, tx, { canon, houseIds: part.house.ids.ids }))
    } else {
      await step('clearing', async () => {
        await tx.exec(`truncate entity_links, match_keys`)
        await tx.query(`delete from match_edges where source = 'model'`)
      })
      // a full run rewrites these tables whole: their indexes are built once, after the load
      await withoutIndexes(tx, ['entity_links', 'match_keys', 'match_edges'], async () => {
        for (const r of resolved) await writeResolved(db, tx, r, step)
      })
      golden = await step('golden', () => writeGolden(db, tx, world, survivorship, { kind: 'full' }))
      await step('grids', () => assignGrids(db, tx, { canon }))
    }
    const out: MatchSummary = {
      mode: dirty ? 'incremental' : 'full',
      changed: changed < 0 ? house.records.length + unit.records.length + person.records.length : changed,
      person: person.summary,
      house: house.summary,
      unit: unit.summary,
      golden,
      seconds: { total: clock() - t0, writing: clock() - t, writeSteps: steps },
    }
    await tx.query(`insert into match_runs (mode, started_at, summary) values ($1, $2, $3)`, [
      out.mode,
      startedAt,
      JSON.stringify(out),
    ])
    await tx.query(`update batches set matched_at = now() where id = any($1::text[])`, [batches])
    return out
  })
  if (!dirty) {
    // every row of these tables is new. Statistics: until autovacuum comes by, the planner works from
    // stale or missing ones, and an incremental run or lookup that comes first pays for it in scans (a
    // 10,000-row batch right after a full match of a million persons: 15-18 s instead of 10.6). Vacuum:
    // millions of inserted rows set autovacuum going over gigabytes, which then ran under the next
    // batch (9.1 s one time, 10.8 the next); done here it also marks the pages all-visible, for
    // index-only scans
    await step('vacuum', () =>
      db.query(
        `vacuum (analyze) ${['entity_links', 'match_keys', 'match_edges', ...GOLDEN_TABLES].join(', ')}`,
      ),
    )
  }
  summary.seconds.total = clock() - t0
  summary.seconds.writing = clock() - t
  return summary
}

/**
 * Whether an incremental run can follow the last one: something was matched, and the active models
 * were trained on these settings. Changed settings mean a full run (which trains anew).
 */
async function hasMatched(db: Database, settings: MatchSettings): Promise<boolean> {
  const [links] = await db.query<{ n: number }>(
    `select count(*)::int as n from (select 1 from entity_links limit 1) x`,
  )
  const [models] = await db.query<{ n: number }>(
    `select count(*)::int as n from match_models
      where active and (version like $1 or version like $2)`,
    [`person-${settingsVersion(settings.person)}-%`, `unit-${settingsVersion(settings.unit)}-%`],
  )
  return (links?.n ?? 0) > 0 && (models?.n ?? 0) >= 2
}

/**
 * Source records with a mention not linked yet, or rewritten since it was linked; per entity type.
 * A record written (or rewritten) by a batch carries that batch's id, so only the batches no run has
 * taken in yet are looked at.
 */
async function dirtyMentions(
  db: Database,
  batches: readonly string[],
): Promise<{ dirty: Record<EntityType, Set<number>>; orphans: Record<EntityType, Orphan[]> }> {
  const of = async (table: string, type: EntityType) => {
    if (batches.length === 0) return { dirty: new Set<number>(), orphans: [] }
    const rows = await db.query<{ id: string }>(
      `select distinct m.source_record_id as id from source_records r
         join ${table} m on m.source_record_id = r.id
         left join entity_links l on l.source_record_id = m.source_record_id and l.role = m.role and l.entity_type = $1
        where r.batch_id = any($2::text[]) and (l.golden_id is null or r.updated_at > l.linked_at)`,
      [type, batches],
    )
    const dirty = new Set(rows.map((r) => Number(r.id)))
    // links of mentions a rewritten record no longer holds: they go, and the golden records they were
    // in are resolved again from the members left (a full run would never have seen them)
    const orphans = (
      await db.query<{ id: string; role: string; golden_id: string }>(
        `select l.source_record_id as id, l.role, l.golden_id from source_records r
           join entity_links l on l.source_record_id = r.id and l.entity_type = $1
          where r.batch_id = any($2::text[]) and r.updated_at > l.linked_at
            and not exists (select 1 from ${table} m where m.source_record_id = l.source_record_id and m.role = l.role)`,
        [type, batches],
      )
    ).map((r) => ({ sourceRecordId: Number(r.id), role: r.role, goldenId: r.golden_id }))
    if (orphans.length > 0) {
      for (const o of orphans) dirty.add(o.sourceRecordId)
      const members = await db.query<{ id: string }>(
        `select source_record_id as id from entity_links where entity_type = $1 and golden_id = any($2::text[])`,
        [type, [...new Set(orphans.map((o) => o.goldenId))]],
      )
      for (const m of members) dirty.add(Number(m.id))
    }
    return { dirty, orphans }
  }
  const [house, unit, person] = await Promise.all([
    of('source_houses', 'house'),
    of('source_units', 'unit'),
    of('source_persons', 'person'),
  ])
  return {
    dirty: { house: house.dirty, unit: unit.dirty, person: person.dirty },
    orphans: { house: house.orphans, unit: unit.orphans, person: person.orphans },
  }
}

/** A stored link whose mention its record no longer holds. */
interface Orphan extends MentionRef {
  goldenId: string
}

/** Add the records that share a blocking key with these (from match_keys) and return all of them. */
async function widen<R extends MentionRef>(
  db: Database,
  entityType: string,
  seeds: R[],
  rules: readonly BlockingRule<R>[],
  dirty: Set<number>,
  load: (ids: number[]) => Promise<R[]>,
  maxBlock: number,
  counts?: Map<number, number>,
): Promise<R[]> {
  const hashes: number[] = []
  for (const r of seeds)
    for (const rule of rules) for (const k of keysOf(r, rule)) hashes.push(keyHash(rule.name, k))
  const found = await lookupKeys(db, entityType, hashes)
  if (counts) {
    // a key's block size in the whole register once this batch is in: stored rows, less the changed
    // records' old rows, plus their new keys
    for (const m of found.mentions)
      if (!dirty.has(m.sourceRecordId)) counts.set(m.hash, (counts.get(m.hash) ?? 0) + 1)
    for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1)
  }
  const have = new Set(seeds.map((r) => r.sourceRecordId))
  const more = [
    ...new Set(
      found.mentions
        .filter(
          (m) => !have.has(m.sourceRecordId) && (maxBlock === 0 || (counts?.get(m.hash) ?? 0) <= maxBlock),
        )
        .map((m) => m.sourceRecordId),
    ),
  ]
  return more.length > 0 ? [...seeds, ...(await load(more))] : seeds
}

/** The changed records, their blocking neighbours, and every member of the golden records those hold. */
async function neighbourhood<R extends MentionRef>(
  db: Database,
  entityType: 'unit' | 'person',
  dirty: Set<number>,
  rules: readonly BlockingRule<R>[],
  maxBlock: number,
  load: (ids: number[]) => Promise<R[]>,
): Promise<{
  records: R[]
  previous: Map<string, string>
  stored: Map<string, string>
  oversized: (hash: number) => boolean
}> {
  const seeds = dirty.size > 0 ? await load([...dirty]) : []
  const counts = new Map<number, number>()
  const near = await widen(db, entityType, seeds, rules, dirty, load, maxBlock, counts)
  // every member of every golden record a loaded record's mentions hold; a member's record may hold
  // another mention (a rental row's owner and tenant) whose golden record must come whole too. Each
  // golden record is read once: its members share it, and reading it again per member cost most of it
  const records = [...near]
  const have = new Set(near.map((r) => r.sourceRecordId))
  // every loaded mention's golden id and stored link, read on the way
  const before = { previous: new Map<string, string>(), stored: new Map<string, string>() }
  const expanded = new Set<string>()
  let frontier = [...have]
  while (frontier.length > 0) {
    const golden = new Set<string>()
    for (const r of await readLinks(db, entityType, 'source_record_id', frontier.map(String), before))
      if (!expanded.has(r.golden_id)) golden.add(r.golden_id)
    for (const g of golden) expanded.add(g)
    const members = new Set<number>()
    for (const r of await readLinks(db, entityType, 'golden_id', [...golden], before))
      members.add(Number(r.source_record_id))
    frontier = [...members].filter((id) => !have.has(id))
    for (const id of frontier) have.add(id)
    if (frontier.length > 0) records.push(...(await load(frontier)))
  }
  return { records, ...before, oversized: (hash) => (counts.get(hash) ?? 0) > maxBlock }
}

/** Owners tie to the house of their record, legal reps and operators to its unit. */
async function setContext(
  db: Database,
  persons: PersonRecord[],
  house: Resolved<HouseRecord>,
  unit: Resolved<UnitRecord>,
): Promise<void> {
  const known = new Map<string, string>()
  for (const r of [house, unit] as Resolved<MentionRef>[])
    r.groups.forEach((g, c) => {
      for (const i of g) known.set(refOf(r.records[i] as MentionRef), r.ids.ids[c] as string)
    })
  await contextOf(db, persons, known)
}

/** Each person's context from golden ids already resolved (`known`), else from entity_links. */
export async function contextOf(
  db: Database,
  persons: PersonRecord[],
  known: Map<string, string> = new Map(),
): Promise<void> {
  const wanted = persons.filter((p) => p.role === 'owner' || p.role === 'legal_rep' || p.role === 'operator')
  const roleOf = (p: PersonRecord) => (p.role === 'owner' ? 'house' : 'unit')
  const missing = [
    ...new Set(
      wanted.filter((p) => !known.has(`${p.sourceRecordId}/${roleOf(p)}`)).map((p) => p.sourceRecordId),
    ),
  ]
  for (let k = 0; k < missing.length; k += 20_000) {
    const rows = await db.query<{ source_record_id: string; role: string; golden_id: string }>(
      `select source_record_id, role, golden_id from entity_links
        where source_record_id = any($1::bigint[]) and role in ('house', 'unit')`,
      [missing.slice(k, k + 20_000).map(String)],
    )
    for (const r of rows) known.set(`${r.source_record_id}/${r.role}`, r.golden_id)
  }
  for (const p of wanted) p.context = known.get(`${p.sourceRecordId}/${roleOf(p)}`) ?? null
}

interface StoredLinkRow {
  source_record_id: string
  role: string
  golden_id: string
  probability: number | null
  method: string
  model_version: string | null
}
const STORED_LINK = 'source_record_id, role, golden_id, probability, method, model_version'

/** A link's written columns as one string, to tell a link that changed from one that did not. */
const linkSignature = (golden: unknown, probability: unknown, method: unknown, version: unknown): string =>
  `${String(golden)}|${String(probability)}|${String(method)}|${String(version)}`
const storedSignature = (r: StoredLinkRow): string =>
  linkSignature(r.golden_id, r.probability, r.method, r.model_version)

/**
 * Golden ids of the mentions before this run: of every mention of the type on a full run, of these
 * records' mentions on an incremental one, which also keeps their stored links (`stored`).
 */
async function previousLinks(
  db: Database,
  entityType: string,
  records?: readonly MentionRef[],
): Promise<{ previous: Map<string, string>; stored: Map<string, string> }> {
  const previous = new Map<string, string>()
  const stored = new Map<string, string>()
  if (!records) {
    const rows = await db.query<{ source_record_id: string; role: string; golden_id: string }>(
      `select source_record_id, role, golden_id from entity_links where entity_type = $1`,
      [entityType],
    )
    for (const r of rows) previous.set(`${r.source_record_id}/${r.role}`, r.golden_id)
    return { previous, stored }
  }
  const ids = [...new Set(records.map((r) => r.sourceRecordId))].map(String)
  await readLinks(db, entityType, 'source_record_id', ids, { previous, stored })
  return { previous, stored }
}

/**
 * The stored links of these records (or golden records), a page at a time; each is also noted in
 * `into`: its golden id in `previous`, its written columns in `stored`.
 */
async function readLinks(
  db: Database,
  entityType: string,
  column: 'source_record_id' | 'golden_id',
  values: readonly string[],
  into: { previous: Map<string, string>; stored: Map<string, string> },
): Promise<StoredLinkRow[]> {
  const cast = column === 'source_record_id' ? 'bigint' : 'text'
  const rows: StoredLinkRow[] = []
  for (let k = 0; k < values.length; k += 20_000) {
    const part = await db.query<StoredLinkRow>(
      `select ${STORED_LINK} from entity_links where entity_type = $1 and ${column} = any($2::${cast}[])`,
      [entityType, values.slice(k, k + 20_000)],
    )
    for (const r of part) {
      const ref = `${r.source_record_id}/${r.role}`
      into.previous.set(ref, r.golden_id)
      into.stored.set(ref, storedSignature(r))
      rows.push(r)
    }
  }
  return rows
}

async function stewardEdges(
  db: Database,
  entityType: string,
  records: readonly MentionRef[],
): Promise<StewardEdge[]> {
  const rows = await db.query<{
    l: string
    lr: string
    r: string
    rr: string
    judgement: StewardEdge['judgement']
  }>(
    `select distinct on (left_source_record_id, left_role, right_source_record_id, right_role)
            left_source_record_id as l, left_role as lr, right_source_record_id as r, right_role as rr, judgement
       from match_edges where entity_type = $1 and source = 'steward'
      order by left_source_record_id, left_role, right_source_record_id, right_role, decided_at desc, id desc`,
    [entityType],
  )
  if (rows.length === 0) return []
  const index = new Map(records.map((r, i) => [refOf(r), i]))
  const out: StewardEdge[] = []
  for (const e of rows) {
    const a = index.get(`${e.l}/${e.lr}`)
    const b = index.get(`${e.r}/${e.rr}`)
    if (a !== undefined && b !== undefined) out.push({ a, b, judgement: e.judgement })
  }
  return out
}

async function resolveHouses(
  db: Database,
  records: HouseRecord[],
  loadSeconds: number,
  all: boolean,
): Promise<Resolved<HouseRecord>> {
  const t = clock()
  const { clusterOf, keys } = clusterHouses(records)
  const groups: number[][] = keys.map(() => [])
  clusterOf.forEach((c, i) => (groups[c] as number[]).push(i))
  const { previous, stored } = await previousLinks(db, 'house', all ? undefined : records)
  const ids = assignIds(
    groups,
    (i) => previous.get(refOf(records[i] as HouseRecord)) ?? null,
    () => `H${ulid()}`,
  )
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
    rules: [HOUSE_RULE],
    previous,
    stored,
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
    all: boolean
    /** A pass after clustering that joins records by a rule no pair can see; returns those it joined. */
    attach?: (records: R[], find: (i: number) => number, union: (a: number, b: number) => boolean) => number[]
    oversized?: ((hash: number) => boolean) | undefined
    /** Golden ids and stored links of the records before this run, when the caller read them already. */
    before?: { previous: Map<string, string>; stored: Map<string, string> } | undefined
  },
): Promise<Resolved<R>> {
  const linker = new Linker(spec)
  let t = clock()
  const blocked = linker.block(records, settings.maxBlockSize, undefined, opts.oversized)
  const blocking = clock() - t

  t = clock()
  const sv = settingsVersion(settings)
  let model = opts.retrain ? null : await activeModel(db, spec.entityType)
  const fresh = model === null || !model.version.startsWith(`${spec.entityType}-${sv}`)
  if (fresh && !opts.all)
    throw new Error(`no active ${spec.entityType} model for these settings: run a full match`)
  if (fresh)
    model = linker.train(records, blocked.pairs, settings.training, `${spec.entityType}-${sv}-${ulid()}`)
  const training = clock() - t
  const trained = model as TrainedModel

  t = clock()
  const scored = linker.score(trained, records, blocked.pairs)
  const scoring = clock() - t
  t = clock()
  const steward = await stewardEdges(db, spec.entityType, records)
  const resolution = resolve(
    records.length,
    scored,
    (i) => anchor(records[i] as R),
    settings.thresholds,
    steward,
  )
  const { clusters } = resolution
  for (const i of opts.attach?.(
    records,
    (i) => clusters.find(i),
    (a, b) => clusters.union(a, b),
  ) ?? []) {
    resolution.method[i] = 'rule'
    resolution.probability[i] = 1
  }
  const groups = [...resolution.clusters.groups().values()]
  const clustering = clock() - t
  const { previous, stored } =
    opts.before ?? (await previousLinks(db, spec.entityType, opts.all ? undefined : records))
  const ids = assignIds(
    groups,
    (i) => previous.get(refOf(records[i] as R)) ?? null,
    () => `${idPrefix}${ulid()}`,
  )
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
    rules: spec.blocking,
    previous,
    stored,
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

/** What the partial golden write needs: the ids the neighbourhood held before, to replace. */
function partialScope(
  world: {
    house: Resolved<HouseRecord>
    unit: Resolved<UnitRecord>
    person: Resolved<PersonRecord>
  },
  orphans: Record<EntityType, Orphan[]>,
): GoldenScope {
  // the records of the clusters being rewritten (not every record loaded around them)
  // and the records and golden ids of links whose mention is gone: their relations and (if no member
  // is left) their golden rows go with them
  const records = (type: EntityType) => {
    const r = world[type] as Resolved<MentionRef>
    const ids = new Set<number>(orphans[type].map((o) => o.sourceRecordId))
    for (const g of r.groups) for (const i of g) ids.add((r.records[i] as MentionRef).sourceRecordId)
    return [...ids]
  }
  const previousIds = (type: EntityType) => {
    const r = world[type] as Resolved<MentionRef>
    const ids = new Set<string>(r.ids.ids)
    for (const x of r.ids.redirects) ids.add(x.from)
    for (const o of orphans[type]) ids.add(o.goldenId)
    return [...ids]
  }
  return {
    kind: 'partial',
    records: { house: records('house'), unit: records('unit'), person: records('person') },
    ids: { house: previousIds('house'), unit: previousIds('unit'), person: previousIds('person') },
  }
}

const LINK_COLUMNS = [
  'entity_type',
  'source_record_id',
  'role',
  'golden_id',
  'probability',
  'method',
  'model_version',
]
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

type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>

/** A full run: every link, judged pair and key of the entity type (the tables were emptied). */
async function writeResolved(db: Database, tx: Tx, r: Resolved<MentionRef>, step: Step): Promise<void> {
  if (r.model && r.freshModel) await saveModel(tx, r.model, r.settings, settingsVersion(r.settings))
  await step('links', () => db.copyInto(tx, 'entity_links', LINK_COLUMNS, linkRows(r)))
  if (r.scored && r.resolution)
    await step('edges', () => db.copyInto(tx, 'match_edges', EDGE_COLUMNS, edgeRows(r)))
  await step('keys', async () => {
    for (const text of keyText(r.entityType, r.records, r.rules))
      await db.copyText(tx, 'match_keys', KEY_COLUMNS, text)
  })
  await step('history', () => writeIdHistory(tx, r.entityType, r.ids))
}

/**
 * The clusters an incremental run changed: those holding a new or changed record, or a mention whose
 * golden id moved, closed over records (a record's mentions of one type are rewritten together).
 */
function touchedPart<R extends MentionRef>(r: Resolved<R>, dirty: Set<number>): Resolved<R> {
  const clustersOf = new Map<number, number[]>()
  r.groups.forEach((g, c) => {
    for (const i of g) {
      const id = (r.records[i] as R).sourceRecordId
      const cs = clustersOf.get(id)
      if (cs) cs.push(c)
      else clustersOf.set(id, [c])
    }
  })
  const touched = new Uint8Array(r.groups.length)
  const queue: number[] = []
  r.groups.forEach((g, c) => {
    const id = r.ids.ids[c]
    const moved = g.some((i) => {
      const m = r.records[i] as R
      return dirty.has(m.sourceRecordId) || r.previous.get(refOf(m)) !== id
    })
    if (moved) {
      touched[c] = 1
      queue.push(c)
    }
  })
  while (queue.length > 0) {
    const c = queue.pop() as number
    for (const i of r.groups[c] as number[])
      for (const c2 of clustersOf.get((r.records[i] as R).sourceRecordId) ?? [])
        if (!touched[c2]) {
          touched[c2] = 1
          queue.push(c2)
        }
  }
  const keep = [...touched.keys()].filter((c) => touched[c] === 1)
  return {
    ...r,
    groups: keep.map((c) => r.groups[c] as number[]),
    ids: { ...r.ids, ids: keep.map((c) => r.ids.ids[c] as string) },
  }
}

/**
 * An incremental run: links of the touched clusters, the changed records' keys, and the judged pairs
 * that touch them. Edges between two records outside the neighbourhood are left as they were.
 */
async function writeChanged(
  db: Database,
  tx: Tx,
  r: Resolved<MentionRef>,
  dirty: Set<number>,
  orphans: readonly Orphan[],
  step: Step,
): Promise<void> {
  const touched = new Set<number>()
  for (const g of r.groups) for (const i of g) touched.add((r.records[i] as MentionRef).sourceRecordId)
  const inHood = [...new Set(r.records.map((m) => m.sourceRecordId))].map(String)
  const touchedIds = [...touched].map(String)
  await step('links', async () => {
    // a touched cluster's links are mostly as they were (a new member joins the rest): only the links
    // that differ are replaced; those of mentions a record no longer holds (orphans) are removed
    const rows: unknown[][] = []
    const gone = { ids: orphans.map((o) => o.sourceRecordId), roles: orphans.map((o) => o.role) }
    for (const row of linkRows(r)) {
      const [, id, role, golden, probability, method, version] = row as [string, number, string, ...unknown[]]
      const stored = r.stored.get(`${id}/${role}`)
      if (!dirty.has(id) && stored === linkSignature(golden, probability, method, version)) continue
      // whatever row is written replaces the stored one, if any (a key probe where there is none)
      rows.push(row)
      gone.ids.push(id)
      gone.roles.push(role)
    }
    for (let k = 0; k < gone.ids.length; k += 20_000)
      await tx.query(
        `delete from entity_links l using unnest($2::bigint[], $3::text[]) as x(id, role)
          where l.entity_type = $1 and l.source_record_id = x.id and l.role = x.role`,
        [r.entityType, gone.ids.slice(k, k + 20_000).map(String), gone.roles.slice(k, k + 20_000)],
      )
    await db.copyInto(tx, 'entity_links', LINK_COLUMNS, rows)
  })
  if (r.scored && r.resolution)
    await step('edges', async () => {
      await tx.query(
        `delete from match_edges where entity_type = $1 and source = 'model'
            and (left_source_record_id = any($2::bigint[]) or right_source_record_id = any($2::bigint[]))
            and left_source_record_id = any($3::bigint[]) and right_source_record_id = any($3::bigint[])`,
        [r.entityType, touchedIds, inHood],
      )
      if (orphans.length > 0) {
        // judged pairs of a mention that is gone, whoever the other side is
        const ids = orphans.map((o) => String(o.sourceRecordId))
        const roles = orphans.map((o) => o.role)
        await tx.query(
          `delete from match_edges e using unnest($2::bigint[], $3::text[]) as x(id, role)
            where e.entity_type = $1 and e.source = 'model'
              and ((e.left_source_record_id = x.id and e.left_role = x.role)
                or (e.right_source_record_id = x.id and e.right_role = x.role))`,
          [r.entityType, ids, roles],
        )
      }
      await db.copyInto(tx, 'match_edges', EDGE_COLUMNS, edgeRows(r, touched))
    })
  await step('keys', async () => {
    await tx.query(`delete from match_keys where entity_type = $1 and source_record_id = any($2::bigint[])`, [
      r.entityType,
      [...dirty].map(String),
    ])
    const changed = r.records.filter((m) => dirty.has(m.sourceRecordId))
    for (const text of keyText(r.entityType, changed, r.rules))
      await db.copyText(tx, 'match_keys', KEY_COLUMNS, text)
  })
  await step('history', () => writeIdHistory(tx, r.entityType, r.ids))
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

/** Judged pairs; with `touching`, only those with a record in it. */
function* edgeRows(r: Resolved<MentionRef>, touching?: Set<number>): Generator<unknown[]> {
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
    if (touching && !touching.has(a.sourceRecordId) && !touching.has(b.sourceRecordId)) continue
    const w = scored.weights[x] as number
    const score = scored.decisions[x] === 1 ? 1 : 1 / (1 + 2 ** -w)
    yield [
      r.entityType,
      a.sourceRecordId,
      a.role,
      b.sourceRecordId,
      b.role,
      judgement,
      score,
      version,
      'model',
    ]
  }
}

async function writeIdHistory(tx: Tx, entityType: string, ids: IdAssignment): Promise<void> {
  if (ids.redirects.length > 0)
    await tx.query(
      `insert into golden_redirects (entity_type, from_id, to_id, reason)
       select $1, f, t, 'merged' from unnest($2::text[], $3::text[]) as x(f, t)
       on conflict (from_id) do update set to_id = excluded.to_id, at = now()`,
      [entityType, ids.redirects.map((r) => r.from), ids.redirects.map((r) => r.to)],
    )
  // ids that redirected to a merged-away id follow it to the survivor
  if (ids.redirects.length > 0)
    await tx.query(
      `update golden_redirects g set to_id = x.t from unnest($1::text[], $2::text[]) as x(f, t)
        where g.entity_type = $3 and g.to_id = x.f`,
      [ids.redirects.map((r) => r.from), ids.redirects.map((r) => r.to), entityType],
    )
  if (ids.lineage.length > 0)
    await tx.query(
      `insert into golden_lineage (entity_type, parent_id, child_id, event)
       select $1, p, c, e from unnest($2::text[], $3::text[], $4::text[]) as x(p, c, e)`,
      [
        entityType,
        ids.lineage.map((l) => l.parent),
        ids.lineage.map((l) => l.child),
        ids.lineage.map((l) => l.event),
      ],
    )
}
