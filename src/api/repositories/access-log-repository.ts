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

/**
 * The ids of the entries that read `id` (a parameter), below `before` when given: a few-id entry through
 * access_log_postings where indexed and directly above the highest indexed id (jobs/access-log-indexing.ts
 * keeps that tail a few seconds long), a run by its range; each then checked against record_ids itself.
 * One statement, one snapshot: the postings seen and the tail's start agree.
 */
const readersOf = (id: string, before: string | null): string => {
  const below = before ? ` AND a.id < ${before}` : ''
  const holds = `a.record_ids @> ARRAY[${id}::text]`
  return `ARRAY(
    SELECT a.id FROM access_log_postings p JOIN access_log a ON a.id BETWEEN p.lo AND p.hi
     WHERE p.record_keys @> ARRAY[hashtextextended(${id}::text, 0)]${before ? ` AND p.lo < ${before}` : ''}
       AND a.record_range IS NULL AND ${holds}${below}
    UNION ALL
    SELECT a.id FROM access_log a
     WHERE a.id > (SELECT coalesce(max(hi), 0) FROM access_log_postings)
       AND a.record_range IS NULL AND ${holds}${below}
    UNION ALL
    SELECT a.id FROM access_log a WHERE a.record_range @> ${id}::text AND ${holds}${below})`
}

/** WHERE for a filter, with only the conditions asked for, so each plan fits its query. */
const whereOf = (f: AccessFilter, params: unknown[], beforeId?: number): string => {
  const conds: string[] = []
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  const before = beforeId === undefined ? null : `${param(beforeId)}::bigint`
  if (before) conds.push(`id < ${before}`)
  if (f.clientId !== undefined) conds.push(`client_id = ${param(f.clientId)}`)
  if (f.entityType !== undefined) conds.push(`entity_type = ${param(f.entityType)}`)
  if (f.recordId !== undefined) conds.push(`id = ANY (${readersOf(param(f.recordId), before)})`)
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
  const where = whereOf(filter, params, page.beforeId)
  params.push(page.limit)
  const sql = `SELECT id::float8 AS "id", at, client_id AS "clientId", scope, entity_type AS "entityType",
            record_ids AS "recordIds", purpose, reason, request_id AS "requestId"
       FROM access_log ${where}
      ORDER BY id DESC
      LIMIT $${params.length}`
  type Raw = Omit<AccessRow, 'at'> & { at: Date | string }
  const rows =
    filter.recordId === undefined
      ? await db.query<Raw>(sql, params)
      : await db.transaction(async (tx) => {
          // A postings row holds thousands of keys, stored out of line: a scan that reads them all costs
          // seconds where the GIN index costs milliseconds, and the planner, which does not price that,
          // picks the scan for a person found in many rows. Nothing else here wants a scan.
          await tx.query('SET LOCAL enable_seqscan = off')
          await tx.query('SET LOCAL max_parallel_workers_per_gather = 0')
          return tx.query<Raw>(sql, params)
        })
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
