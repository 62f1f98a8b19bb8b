import type { Database } from '../../db/index.ts'
import { type AccessEntry, freeText } from './access-log-repository.ts'

/**
 * Group commit for the access log. A lookup route serves a thousand persons a second, and one INSERT (one
 * commit, one WAL flush) per read cost the route two fifths of its throughput. Entries that arrive while a
 * write is in flight wait for the next one, which takes them all in one INSERT; at low load an entry is
 * written at once, so nothing waits on a timer. Each caller's promise settles only when its own entry is
 * committed, so a read that cannot be logged still does not happen.
 */

const MAX_ROWS = 500
const COLUMNS = [
  'client_id',
  'scope',
  'entity_type',
  'record_ids',
  'reason',
  'purpose',
  'request_id',
] as const

interface Pending {
  entry: AccessEntry
  resolve: () => void
  reject: (e: unknown) => void
}

export class AccessLogBatcher {
  private queue: Pending[] = []
  private writing = false

  constructor(private readonly db: Database) {}

  write(entry: AccessEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject })
      if (!this.writing) void this.drain()
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_ROWS)
        try {
          await this.insert(batch.map((p) => p.entry))
          for (const p of batch) p.resolve()
        } catch (e) {
          for (const p of batch) p.reject(e)
        }
      }
    } finally {
      this.writing = false
    }
  }

  private async insert(entries: readonly AccessEntry[]): Promise<void> {
    const params: unknown[] = []
    const rows = entries.map((e) => {
      const at = params.length
      params.push(
        e.clientId,
        e.scope,
        e.entityType,
        [...e.recordIds],
        freeText(e.reason),
        freeText(e.purpose),
        e.requestId ?? null,
      )
      return `(${COLUMNS.map((_, i) => `$${at + i + 1}`).join(', ')})`
    })
    await this.db.query(`INSERT INTO access_log (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, params)
  }
}

const batchers = new WeakMap<Database, AccessLogBatcher>()

/** The database's one batcher: every route's entries share its writes. */
export const accessLogOf = (db: Database): AccessLogBatcher => {
  let b = batchers.get(db)
  if (!b) batchers.set(db, (b = new AccessLogBatcher(db)))
  return b
}
