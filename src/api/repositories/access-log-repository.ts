import type { Database } from '../../db/index.ts'
import { scrub } from '../logging.ts'

export interface AccessEntry {
  clientId: string
  /** the scope that allowed the read, as `can` named it: upload:police.* */
  scope: string
  /** person | house | unit, or refused_rows for a batch's refused rows */
  entityType: string
  recordIds: readonly string[]
  /** the hub's own account of the read: which route served what */
  reason?: string | null
  /** why the client says it reads (X-Purpose); null when it said nothing */
  purpose?: string | null
  /** the request's id, as in the server log, to tie the entry to its log lines */
  requestId?: string | null
  /**
   * Many ids in a run (an export's page): the entry is found by their range, then by record_ids, instead
   * of by one GIN key per id (migration 0009). Only for runs: a scattered few would make a wide range.
   */
  ranged?: boolean
}

/** The text columns are the log's only free text: a long digit run (an id, a phone) never lands in it. */
export const freeText = (text: string | null | undefined): string | null =>
  text == null ? null : scrub(text)

/** Written before the data leaves: a read that cannot be logged does not happen. */
export const logAccess = async (db: Database, e: AccessEntry): Promise<void> => {
  await db.query(
    `INSERT INTO access_log (client_id, scope, entity_type, record_ids, reason, purpose, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      e.clientId,
      e.scope,
      e.entityType,
      [...e.recordIds],
      freeText(e.reason),
      freeText(e.purpose),
      e.requestId ?? null,
    ],
  )
}

/** What an auditor narrows the log by; every field is optional and they combine with AND. */
export interface AccessFilter {
  clientId?: string
  entityType?: string
  /** entries whose record_ids hold this golden id (or batch id) */
  recordId?: string
  /** from inclusive, to exclusive */
  from?: Date
  to?: Date
  /** a case-insensitive part of the purpose */
  purpose?: string
}

export interface AccessRow {
  id: number
  at: string
  clientId: string
  scope: string
  entityType: string
  recordIds: string[]
  purpose: string | null
  reason: string | null
  requestId: string | null
}

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** WHERE for a filter, with only the conditions asked for, so each plan fits its query. */
const whereOf = (f: AccessFilter, params: unknown[]): string => {
  const conds: string[] = []
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (f.clientId !== undefined) conds.push(`client_id = ${param(f.clientId)}`)
  if (f.entityType !== undefined) conds.push(`entity_type = ${param(f.entityType)}`)
  if (f.recordId !== undefined) {
    const id = param(f.recordId)
    // two arms, each matching one partial index (GIN on ids, GiST on ranges), both exact on record_ids
    conds.push(
      `((record_range IS NULL AND record_ids @> ARRAY[${id}::text])
        OR (record_range @> ${id}::text AND record_ids @> ARRAY[${id}::text]))`,
    )
  }
  if (f.from !== undefined) conds.push(`at >= ${param(f.from.toISOString())}::timestamptz`)
  if (f.to !== undefined) conds.push(`at < ${param(f.to.toISOString())}::timestamptz`)
  if (f.purpose !== undefined) conds.push(`purpose ILIKE ${param(likePattern(f.purpose))}`)
  return conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : ''
}

/**
 * One page of the log, newest first, after the entry `beforeId` (exclusive). Keyset on the id: a page
 * costs the same at the end of a year's log as at its start, and no entry is repeated or skipped
 * between pages.
 */
export const listAccess = async (
  db: Database,
  filter: AccessFilter,
  page: { beforeId?: number; limit: number },
): Promise<AccessRow[]> => {
  const params: unknown[] = []
  let where = whereOf(filter, params)
  if (page.beforeId !== undefined) {
    params.push(page.beforeId)
    where += `${where ? ' AND' : 'WHERE'} id < $${params.length}`
  }
  params.push(page.limit)
  const rows = await db.query<Omit<AccessRow, 'at'> & { at: Date | string }>(
    `SELECT id::float8 AS "id", at, client_id AS "clientId", scope, entity_type AS "entityType",
            record_ids AS "recordIds", purpose, reason, request_id AS "requestId"
       FROM access_log ${where}
      ORDER BY id DESC
      LIMIT $${params.length}`,
    params,
  )
  // ISO in UTC to the millisecond, as every time the API gives
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }))
}

/** Every entry the filter selects, newest first, read a page at a time (constant memory). */
export async function* allAccess(
  db: Database,
  filter: AccessFilter,
  pageSize = 5000,
): AsyncGenerator<AccessRow> {
  let beforeId: number | undefined
  for (;;) {
    const rows = await listAccess(db, filter, { beforeId, limit: pageSize })
    yield* rows
    if (rows.length < pageSize) return
    beforeId = rows[rows.length - 1]!.id
  }
}
