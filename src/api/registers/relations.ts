import type { EntityType } from '../../../schemas/mentions.ts'
import type { Relation, SourceLink } from '../../../schemas/registers.ts'
import type { Database } from '../../db/index.ts'
import type { Client } from '../policy/index.ts'
import { selectRecords, viewRecords } from './read.ts'

/**
 * A golden record's neighbours — who lives in a house, which unit occupies it, whom a unit has as legal
 * representative — and the source records it was built from. A neighbour the client may not see is left
 * out whole: not even its id is given.
 */

interface RelationSql {
  target: EntityType
  sql: string
}

// each query takes the record's id as $1 and answers (id, relation, since, until) of the other side
const RELATIONS: Record<EntityType, readonly RelationSql[]> = {
  person: [
    {
      target: 'house',
      sql: 'select house_id as id, relation, since, until from person_houses where person_id = $1',
    },
    {
      target: 'unit',
      sql: 'select unit_id as id, relation, since, until from person_units where person_id = $1',
    },
  ],
  house: [
    {
      target: 'person',
      sql: 'select person_id as id, relation, since, until from person_houses where house_id = $1',
    },
    {
      target: 'unit',
      sql: 'select unit_id as id, relation, since, until from unit_houses where house_id = $1',
    },
  ],
  unit: [
    {
      target: 'person',
      sql: 'select person_id as id, relation, since, until from person_units where unit_id = $1',
    },
    {
      target: 'house',
      sql: 'select house_id as id, relation, since, until from unit_houses where unit_id = $1',
    },
  ],
}

const LABEL_FIELD: Record<EntityType, string> = { person: 'name', house: 'address', unit: 'name' }

/** Several source records state one relation: one line each, with the widest since–until they give. */
function mergeRelations(
  rows: readonly Omit<Relation, 'label' | 'entity'>[],
): Omit<Relation, 'label' | 'entity'>[] {
  const byKey = new Map<string, Omit<Relation, 'label' | 'entity'>>()
  for (const r of rows) {
    const key = `${r.id}\u0000${r.relation}`
    const had = byKey.get(key)
    if (!had) byKey.set(key, { ...r })
    else {
      if (r.since && (!had.since || r.since < had.since)) had.since = r.since
      if (!r.until || !had.until) had.until = null
      else if (r.until > had.until) had.until = r.until
    }
  }
  return [...byKey.values()].sort((a, b) => a.relation.localeCompare(b.relation) || a.id.localeCompare(b.id))
}

export interface RelationsResult {
  relations: Relation[]
  /** persons named in the relations: their reads are logged like the record's own */
  personIds: string[]
}

/** The relations of one golden record that the client may see, with a label of each other side. */
export async function relationsOf(
  db: Database,
  client: Client,
  entity: EntityType,
  id: string,
): Promise<RelationsResult> {
  const relations: Relation[] = []
  const personIds: string[] = []
  for (const { target, sql } of RELATIONS[entity]) {
    if (!client[target].read) continue
    const rows = mergeRelations(
      (
        await db.query<{ id: string; relation: string; since: string | null; until: string | null }>(sql, [
          id,
        ])
      ).map((r) => ({ id: r.id, relation: r.relation, since: r.since ?? null, until: r.until ?? null })),
    )
    if (rows.length === 0) continue
    const ids = [...new Set(rows.map((r) => r.id))]
    const visible = await viewRecords(
      db,
      client,
      target,
      await selectRecords(db, client, target, {
        where: 't.id = any($1::text[])',
        params: [ids],
        limit: ids.length,
      }),
    )
    const byId = new Map(visible.map((r) => [r.id, r]))
    for (const r of rows) {
      const other = byId.get(r.id)
      if (!other) continue
      const label = other[LABEL_FIELD[target]]
      relations.push({ entity: target, ...r, label: typeof label === 'string' ? label : null })
      if (target === 'person') personIds.push(r.id)
    }
  }
  return { relations, personIds: [...new Set(personIds)] }
}

/** The source records a golden record was built from, with how each was linked. */
export async function sourcesOf(db: Database, entity: EntityType, id: string): Promise<SourceLink[]> {
  const rows = await db.query<{
    source: string
    record_id: string
    role: string
    method: SourceLink['method']
    probability: number | null
  }>(
    `select s.source, s.record_id, l.role, l.method, l.probability
       from entity_links l join source_records s on s.id = l.source_record_id
      where l.entity_type = $1 and l.golden_id = $2
      order by s.source, s.record_id, l.role`,
    [entity, id],
  )
  return rows.map((r) => ({
    source: r.source,
    recordId: r.record_id,
    role: r.role,
    method: r.method,
    probability: r.probability == null ? null : Number(r.probability),
  }))
}
