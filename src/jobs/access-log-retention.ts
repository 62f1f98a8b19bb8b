import { schedule } from 'node-cron'
import type { Database } from '../db/index.ts'

export interface PurgeResult {
  deleted: number
  /** entries older than this were deleted; null when the retention is 0 (keep forever) */
  before: string | null
}

/** Deleted in chunks, each its own transaction: the first purge of a long log holds no lock for long. */
const CHUNK = 10_000
const DAY_MS = 86_400_000

/**
 * Deletes the access log's entries older than `retentionDays` (0: none). The log's trigger refuses
 * every other DELETE: each chunk first tells it the cutoff, for its own transaction only, and the
 * trigger checks each row against it.
 */
export const purgeAccessLog = async (
  db: Database,
  retentionDays: number,
  now: Date = new Date(),
): Promise<PurgeResult> => {
  if (retentionDays === 0) return { deleted: 0, before: null }
  const before = new Date(now.getTime() - retentionDays * DAY_MS).toISOString()
  let deleted = 0
  for (;;) {
    const n = await db.transaction(async (tx) => {
      await tx.query("SELECT set_config('sanshi.access_log_purge_before', $1, true)", [before])
      const [row] = await tx.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM access_log WHERE id IN (
             SELECT id FROM access_log WHERE at < $1::timestamptz ORDER BY id LIMIT ${CHUNK})
           RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [before],
      )
      return row?.n ?? 0
    })
    deleted += n
    if (n < CHUNK) break
  }
  // the index's rows whose entries are all gone (jobs/access-log-indexing.ts)
  await db.query(
    `DELETE FROM access_log_postings
      WHERE hi < coalesce((SELECT min(id) FROM access_log), (SELECT max(hi) FROM access_log_postings) + 1)`,
  )
  return { deleted, before }
}

/** The slice of a pino logger the job writes to. */
export interface JobLog {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface ScheduledPurge {
  /** No further runs; resolves once a run in progress has finished (before the database closes). */
  stop(): Promise<void>
}

/** `sanshi serve` purges daily (SANSHI_AUDIT_PURGE_CRON); null when the retention keeps everything. */
export const scheduleAccessLogPurge = (
  db: Database,
  opts: { retentionDays: number; cron: string; log: JobLog },
): ScheduledPurge | null => {
  if (opts.retentionDays === 0) return null
  let running: Promise<void> = Promise.resolve()
  const run = async () => {
    try {
      const r = await purgeAccessLog(db, opts.retentionDays)
      opts.log.info({ job: 'access-log-retention', ...r }, 'access log purged')
    } catch (err) {
      opts.log.error({ job: 'access-log-retention', err }, 'access log purge failed')
    }
  }
  const task = schedule(
    opts.cron,
    () => {
      running = run()
      return running
    },
    { name: 'access-log-retention', noOverlap: true },
  )
  return {
    async stop() {
      await task.destroy()
      await running
    },
  }
}
