import type { Database } from '../../db/index.ts'
import { keysOf } from '../../match/blocking.ts'
import { loadHouses } from '../../match/houses.ts'
import { keyHash, lookupKeys } from '../../match/keys.ts'
import { loadPersons, personSpec } from '../../match/persons.ts'
import type { EntitySettings } from '../../match/settings.ts'
import { addressCanon } from '../registers/lookups.ts'
import { REGISTERS } from '../registers/records.ts'

/**
 * What one source record taught the hub, told by the golden records around it before and after it was
 * resolved. Before: every golden person the matcher could join its person to — one holding a source
 * record that shares a blocking key with it, exactly as the incremental match finds its neighbours — and
 * the house at its dwelling key (houses resolve on the key). After: the golden records its mentions
 * belong to now. These reads are the hub's own, for the comparison; nothing here is served as read.
 */

type Golden = Record<string, unknown>
type Entity = 'person' | 'house'

export interface GoldenBefore {
  person: Map<string, Golden>
  house: Map<string, Golden>
}

async function readGolden(
  db: Database,
  entity: Entity,
  ids: readonly string[],
): Promise<Map<string, Golden>> {
  if (ids.length === 0) return new Map()
  const reg = REGISTERS[entity]
  const rows = await db.query(`select ${reg.select} from ${reg.from} where t.id = any($1::text[])`, [
    [...ids],
  ])
  return new Map(rows.map((r) => [String(r.id), reg.toRecord(r) as unknown as Golden]))
}

/** Golden ids of these mentions (source record × role). */
async function goldenOf(
  db: Database,
  entity: Entity,
  mentions: readonly { sourceRecordId: number; role: string }[],
) {
  if (mentions.length === 0) return []
  const rows = await db.query<{ golden_id: string }>(
    `select distinct l.golden_id from entity_links l
       join unnest($2::bigint[], $3::text[]) as m(id, role) on m.id = l.source_record_id and m.role = l.role
      where l.entity_type = $1`,
    [entity, mentions.map((m) => String(m.sourceRecordId)), mentions.map((m) => m.role)],
  )
  return rows.map((r) => r.golden_id)
}

/** The golden records a source record, written but not yet matched, may join (and `also`, e.g. a pick). */
export async function goldenBefore(
  db: Database,
  sourceRecordId: number,
  settings: EntitySettings,
  also: { person: readonly string[]; house: readonly string[] },
): Promise<GoldenBefore> {
  const canon = await addressCanon(db)
  const rules = personSpec(settings).blocking
  const hashes = (await loadPersons(db, canon, [sourceRecordId])).flatMap((m) =>
    rules.flatMap((rule) => keysOf(m, rule).map((k) => keyHash(rule.name, k))),
  )
  const found = await lookupKeys(db, 'person', hashes)
  // a key shared by more records than a block may hold pairs none of them, in the match as here
  const near = found.mentions.filter((m) => (found.counts.get(m.hash) ?? 0) + 1 <= settings.maxBlockSize)
  const keys = (await loadHouses(db, canon, [sourceRecordId])).map((h) => h.key)
  const houses = await db.query<{ id: string }>('select id from houses where key = any($1::text[])', [keys])
  return {
    person: await readGolden(db, 'person', [...(await goldenOf(db, 'person', near)), ...also.person]),
    house: await readGolden(db, 'house', [...houses.map((h) => h.id), ...also.house]),
  }
}

export interface Learnt {
  /** the golden record the source record's mention of this type belongs to now, or null */
  id: string | null
  /** a record the hub did not hold before: the source record is its only one */
  created: boolean
  /** the fields of the record that changed */
  changed: string[]
}

const same = (a: unknown, b: unknown): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) {
    const x = new Set(a.map(String))
    return x.size === new Set(b.map(String)).size && b.every((v) => x.has(String(v)))
  }
  return (a ?? null) === (b ?? null)
}

/** The golden person and house the source record resolved to, and what they gained by it. */
export async function goldenAfter(
  db: Database,
  sourceRecordId: number,
  before: GoldenBefore,
): Promise<Record<Entity, Learnt>> {
  const links = await db.query<{ entity_type: Entity; golden_id: string }>(
    `select entity_type, golden_id from entity_links where source_record_id = $1 and entity_type in ('person', 'house')`,
    [sourceRecordId],
  )
  const out = {} as Record<Entity, Learnt>
  for (const entity of ['person', 'house'] as const) {
    const id = links.find((l) => l.entity_type === entity)?.golden_id ?? null
    if (id === null) {
      out[entity] = { id, created: false, changed: [] }
      continue
    }
    const [others] = await db.query<{ n: number }>(
      `select count(*)::int as n from entity_links
        where entity_type = $1 and golden_id = $2 and source_record_id <> $3`,
      [entity, id, sourceRecordId],
    )
    if ((others?.n ?? 0) === 0) {
      out[entity] = { id, created: true, changed: [] }
      continue
    }
    const now = (await readGolden(db, entity, [id])).get(id)
    const was = before[entity].get(id)
    const changed =
      now && was
        ? Object.keys(now).filter((f) => f !== 'id' && !same(now[f], was[f]))
        : await suppliedBy(db, entity, id, sourceRecordId)
    out[entity] = { id, created: false, changed }
  }
  return out
}

/**
 * A known record whose earlier state was not read (the match re-formed its cluster beyond the visit's
 * neighbours): the fields survivorship took from the source record stand for what it taught.
 */
async function suppliedBy(
  db: Database,
  entity: Entity,
  id: string,
  sourceRecordId: number,
): Promise<string[]> {
  const column = entity === 'person' ? 'provenance' : 'fields'
  const table = entity === 'person' ? 'persons' : 'houses'
  const [row] = await db.query<{ p: Record<string, { sourceRecordId?: number }> | null }>(
    `select ${column} as p from ${table} where id = $1`,
    [id],
  )
  return Object.entries(row?.p ?? {})
    .filter(([, v]) => Number(v.sourceRecordId) === sourceRecordId)
    .map(([field]) => (field === 'key' ? 'address' : field))
}
