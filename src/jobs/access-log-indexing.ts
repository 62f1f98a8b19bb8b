import type { Database } from '../db/index.ts'
import type { JobLog } from './access-log-retention.ts'

/**
 * Builds access_log_postings, the log's index by person (src/db/schema/access.ts), a few seconds behind
 * the log and in bulk: one row per ENTRIES_PER_ROW entries, with a key for each id those entries read,
 * once, sorted. A lookup's entry is then a plain heap insert; the auditor's query reads the rows for the indexed
 * part and the entries above the highest `hi` directly (access-log-repository.ts).
 *
 * An entry id is taken from the sequence when its INSERT runs but is visible only when it commits, so
 * entries commit out of id order: an indexer that indexed up to the highest visible id could leave a
 * lower one, committed a moment later, out of the index for good. So the top of a pass is read under a
 * SHARE lock on the log, which waits for every INSERT in flight to finish (a few milliseconds: the
 * batcher's inserts are single statements) and is released at once; every id up to that top is then
 * committed or never will be.
 */

/** Entries per postings row: an auditor's hit on a row reads that many entries by id, so rows stay small. */
export const ENTRIES_PER_ROW = 1000
/** Entries per transaction: the first pass over a long log (after migration 0010) commits as it goes. */
const ENTRIES_PER_PASS = 100_000
/**
 * How long a pass waits for the log's inserts in flight: inserts queued behind the waiting lock wait as
 * long, so a pass that cannot have it soon gives up until the next.
 */
const LOCK_WAIT_MS = 50
/** pg_try_advisory_xact_lock's key: one indexer at a time, whatever the number of hubs. */
const INDEXER_LOCK = 0x5a_4e_51_01

export interface IndexResult {
  /** the highest entry id now indexed */
  indexedTo: number
  /** postings rows written */
  rows: number
}

/** The highest entry id below which every entry is committed or rolled back, or null if the log is busy. */
async function settledTop(db: Database): Promise<number | null> {
  try {
    return await db.transaction(async (tx): Promise<number | null> => {
      // A vacuum or analyze of the log holds a lock SHARE must wait for, however long it runs (an
      // anti-wraparound vacuum of a year's log: many minutes), and every insert would queue behind that
      // wait, each pass: while one runs, the index waits instead (its tail is still searched).
      const [maintained] = await tx.query<{ now: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks
                         WHERE relation = 'access_log'::regclass AND mode = 'ShareUpdateExclusiveLock') AS now`,
      )
      if (maintained?.now) return null
      await tx.query(`SET LOCAL lock_timeout = '${LOCK_WAIT_MS}ms'`)
      await tx.query('LOCK TABLE access_log IN SHARE MODE')
      const [r] = await tx.query<{ top: number }>(
        'SELECT coalesce(max(id), 0)::float8 AS top FROM access_log',
      )
      return r?.top ?? 0
    })
  } catch (e) {
    if ((e as { code?: unknown }).code === '55P03') return null // lock_not_available
    throw e
  }
}

/** Indexes up to `top`, one transaction of at most ENTRIES_PER_PASS entries; null when another indexer runs. */
async function indexSome(
  db: Database,
  top: number,
): Promise<{ from: number; to: number; rows: number } | null> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      INDEXER_LOCK,
    ])
    if (!lock?.ok) return null
    // where the index ends; with none yet (a new log, or all purged), just below the log's first entry
    const [w] = await tx.query<{ from: number }>(
      `SELECT coalesce((SELECT max(hi) FROM access_log_postings), (SELECT min(id) - 1 FROM access_log), 0)::float8
                AS "from"`,
    )
    const from = w?.from ?? 0
    if (from >= top) return { from, to: from, rows: 0 }
    const to = Math.min(top, from + ENTRIES_PER_PASS)
    // rows cover fixed slices of ids, (from + g·N, from + (g+1)·N], whether or not every id has an entry
    const rows = await tx.query<{ hi: number }>(
      `INSERT INTO access_log_postings (lo, hi, record_keys)
       SELECT $1::bigint + g * $3 + 1, least($1::bigint + (g + 1) * $3, $2::bigint), keys
         FROM (SELECT (a.id - $1::bigint - 1) / $3 AS g,
                      coalesce(array_agg(DISTINCT hashtextextended(r.id, 0)) FILTER (WHERE r.id IS NOT NULL), '{}')
                        AS keys
                 FROM access_log a
                 LEFT JOIN LATERAL unnest(CASE WHEN a.record_range IS NULL THEN a.record_ids END) AS r(id)
                   ON true
                WHERE a.id > $1::bigint AND a.id <= $2::bigint
                GROUP BY 1) s
        ORDER BY g
       RETURNING hi::float8 AS hi`,
      [from, to, ENTRIES_PER_ROW],
    )
    // the last slice may hold no entry (a rolled-back insert's id): a row of no ids still marks it indexed
    if (!rows.some((r) => r.hi === to)) {
      const last = rows.reduce((m, r) => Math.max(m, r.hi), from)
      await tx.query(`INSERT INTO access_log_postings (lo, hi, record_keys) VALUES ($1, $2, '{}')`, [
        last + 1,
        to,
      ])
      rows.push({ hi: to })
    }
    return { from, to, rows: rows.length }
  })
}

/**
 * Indexes every entry committed when it starts; null when the log was too busy to settle its top or
 * another indexer is at work (the next pass will do it).
 */
export async function indexAccessLog(db: Database): Promise<IndexResult | null> {
  const top = await settledTop(db)
  if (top === null) return null
  let rows = 0
  for (;;) {
    const pass = await indexSome(db, top)
    if (pass === null) return null
    rows += pass.rows
    if (pass.to >= top) return { indexedTo: pass.to, rows }
  }
}

export interface ScheduledIndexing {
  /** No further passes; resolves once a pass in progress has finished (before the database closes). */
  stop(): Promise<void>
}

/** `sanshi serve` indexes the log every `everyMs` (SANSHI_AUDIT_INDEX_SECONDS), the first pass at once. */
export const scheduleAccessLogIndexing = (
  db: Database,
  opts: { everyMs: number; log: JobLog },
): ScheduledIndexing => {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const pass = async () => {
    try {
      await indexAccessLog(db)
    } catch (err) {
      opts.log.error({ job: 'access-log-indexing', err }, 'access log indexing failed')
    }
    if (!stopped) timer = setTimeout(() => (running = pass()), opts.everyMs).unref()
  }
  running = pass()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
