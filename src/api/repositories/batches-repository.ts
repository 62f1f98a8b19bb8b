import type { Database } from '../../db/index.ts'

/** A batch as the API shows it: the clerk's summary, never the rows. */
export interface BatchView {
  batchId: string
  source: string
  file: string | null
  status: string
  rows: number
  accepted: number
  rejected: number
  warnings: number
  message: string | null
  startedAt: string
  finishedAt: string | null
  seconds: number | null
  /** the client that sent it over the API; null when an operator ingested it */
  uploadedBy: string | null
}

export interface StoredRefusedRow {
  row: number
  problems: Array<{ column: string | null; code: string; severity: 'error' | 'warning'; detail?: string }>
}

const COLUMNS = `id AS "batchId", source, file_name AS file, status, rows, accepted, rejected, warnings,
  refused_reason AS message, started_at AS "startedAt", finished_at AS "finishedAt", seconds,
  uploaded_by AS "uploadedBy"`

const iso = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString() : String(v)
const toView = (r: BatchView): BatchView => ({
  ...r,
  startedAt: iso(r.startedAt)!,
  finishedAt: iso(r.finishedAt),
})

/** police.* → police.% for LIKE; the wildcards LIKE knows are escaped in the literal part. */
const likePattern = (pattern: string): string => {
  if (pattern === '*') return '%'
  const literal = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)
  return pattern.endsWith('.*') ? `${literal(pattern.slice(0, -1))}%` : literal(pattern)
}

export interface ListBatches {
  /** null: every source; else source patterns (police.*, grid.visit) the batches must match */
  sources: readonly string[] | null
  /** only this exact source */
  source?: string
  /** ids sort by time (ULIDs): the page after this id, newest first */
  before?: string
  limit: number
}

/** Newest first, one row more than asked so the caller knows whether a next page exists. */
export const listBatches = async (db: Database, q: ListBatches): Promise<BatchView[]> => {
  const where: string[] = []
  const params: unknown[] = []
  if (q.sources !== null) {
    params.push(q.sources.map(likePattern))
    where.push(`source LIKE ANY($${params.length}::text[])`)
  }
  if (q.source) {
    params.push(q.source)
    where.push(`source = $${params.length}`)
  }
  if (q.before) {
    params.push(q.before)
    where.push(`id COLLATE "C" < $${params.length}`)
  }
  params.push(q.limit + 1)
  const rows = await db.query<BatchView>(
    `SELECT ${COLUMNS} FROM batches ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY id COLLATE "C" DESC LIMIT $${params.length}`,
    params,
  )
  return rows.map(toView)
}

export const getBatch = async (db: Database, id: string): Promise<BatchView | null> => {
  const rows = await db.query<BatchView>(`SELECT ${COLUMNS} FROM batches WHERE id = $1`, [id])
  return rows[0] ? toView(rows[0]) : null
}

/** The first refused rows by row number: their reasons only, the raw cells stay in the download. */
export const firstRefusedRows = async (
  db: Database,
  batchId: string,
  limit: number,
): Promise<StoredRefusedRow[]> =>
  db.query<StoredRefusedRow>(
    'SELECT row_number AS row, problems FROM refused_rows WHERE batch_id = $1 ORDER BY row_number LIMIT $2',
    [batchId, limit],
  )
