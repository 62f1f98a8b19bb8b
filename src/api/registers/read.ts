import type { EntityType } from '../../../schemas/mentions.ts'
import type { Database } from '../../db/index.ts'
import { type Client, rowsCondition, viewRecord } from '../policy/index.ts'
import { REFERENCES, REGISTERS } from './records.ts'

/**
 * Scoped reads of the registers. Each query carries the client's row condition (policy/rows-sql.ts), so
 * a record outside the scope is never fetched — a lookup of one answers exactly as for a record that
 * does not exist — and each record leaves through the client's field view (policy/fields.ts).
 */

export type Viewed = Record<string, unknown> & { id: string }

export interface SelectOptions {
  /** a condition on alias `t` (and the register's joins), its values already in params */
  where: string
  params: unknown[]
  /** keyset pagination by golden id */
  after?: string | null
  limit: number
  /** default: by id, which keyset pagination needs */
  orderBy?: string
  /** the condition's plan does not depend on its values (lookups.ts, Condition.planOnce) */
  planOnce?: boolean
}

/**
 * The SELECT of a register's rows the client sees that meet a condition (values in params, which it
 * extends), or null when the client sees none of the type.
 */
export function scopedSelect(
  client: Client,
  entity: EntityType,
  where: string,
  params: unknown[],
): { sql: string; params: unknown[] } | null {
  const reg = REGISTERS[entity]
  const all = [...params]
  const scope = rowsCondition(client, entity, 't', all)
  if (scope === 'false') return null
  return { sql: `select ${reg.select} from ${reg.from} where (${where}) and ${scope}`, params: all }
}

/** Golden rows of one register the client sees, as unmasked records (view them before they leave). */
export async function selectRecords<E extends EntityType>(
  db: Database,
  client: Client,
  entity: E,
  opts: SelectOptions,
): Promise<Record<string, unknown>[]> {
  const select = scopedSelect(client, entity, opts.where, opts.params)
  if (!select) return []
  const { params } = select
  let sql = select.sql
  if (opts.after) {
    params.push(opts.after)
    sql += ` and t.id > $${params.length}`
  }
  params.push(opts.limit)
  sql += ` order by ${opts.orderBy ?? 't.id'} limit $${params.length}`
  const rows = opts.planOnce ? await db.queryPrepared(sql, params) : await db.query(sql, params)
  const reg = REGISTERS[entity]
  return rows.map((r) => reg.toRecord(r) as unknown as Record<string, unknown>)
}

/** Of these golden ids of one register, those the client sees. */
export async function visibleIds(
  db: Database,
  client: Client,
  entity: EntityType,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const params: unknown[] = [[...new Set(ids)]]
  const scope = rowsCondition(client, entity, 't', params)
  if (scope === 'false') return new Set()
  // every row is in scope: a reference the matcher wrote points at a record that exists, no query needed
  if (scope === 'true') return new Set(params[0] as string[])
  const table = { person: 'persons', house: 'houses', unit: 'units' }[entity]
  const rows = await db.query<{ id: string }>(
    `select t.id from ${table} t where t.id = any($1::text[]) and ${scope}`,
    params,
  )
  return new Set(rows.map((r) => r.id))
}

/**
 * The records as the client may see them: references to records outside its scope blanked (a golden id
 * says nothing about a person, but that a record exists is itself outside the scope), hidden fields
 * dropped, masked ones masked.
 */
export async function viewRecords(
  db: Database,
  client: Client,
  entity: EntityType,
  records: readonly Record<string, unknown>[],
): Promise<Viewed[]> {
  const out = records.map((r) => ({ ...r }))
  for (const [field, target] of REFERENCES[entity]) {
    const ids = out.map((r) => r[field]).filter((v): v is string => typeof v === 'string')
    const seen = await visibleIds(db, client, target, ids)
    for (const r of out) if (typeof r[field] === 'string' && !seen.has(r[field])) r[field] = null
  }
  return out.map((r) => viewRecord(client, entity, r) as Viewed)
}

const REDIRECT_HOPS = 16

/** The golden id an id stands for now: itself, or the survivor it was merged into (golden_redirects). */
export async function currentId(db: Database, entity: EntityType, id: string): Promise<string> {
  let at = id
  for (let hop = 0; hop < REDIRECT_HOPS; hop++) {
    const [r] = await db.query<{ to_id: string }>(
      'select to_id from golden_redirects where entity_type = $1 and from_id = $2',
      [entity, at],
    )
    if (!r || r.to_id === at) return at
    at = r.to_id
  }
  return at
}

/** One record by golden id (following redirects), or null when it does not exist or is outside the scope. */
export async function getRecord(
  db: Database,
  client: Client,
  entity: EntityType,
  id: string,
): Promise<Record<string, unknown> | null> {
  const byId = { where: 't.id = $1', limit: 1, planOnce: true }
  const [direct] = await selectRecords(db, client, entity, { ...byId, params: [id] })
  if (direct) return direct
  const now = await currentId(db, entity, id)
  if (now === id) return null
  const [moved] = await selectRecords(db, client, entity, { ...byId, params: [now] })
  return moved ?? null
}
