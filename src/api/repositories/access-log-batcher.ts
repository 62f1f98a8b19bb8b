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

/**
 * One statement text whatever the batch's size, so it is planned once per connection (db.queryPrepared):
 * a VALUES list of as many rows as entries was parsed and planned anew for every batch. Columns go as
 * arrays, each entry's ids as a JSON array (an entry's ids are a list of their own).
 */
const INSERT = `INSERT INTO access_log
    (client_id, scope, entity_type, record_ids, reason, purpose, request_id, record_range)
  SELECT e.client_id, e.scope, e.entity_type,
         array(SELECT jsonb_array_elements_text(e.ids::jsonb)),
         e.reason, e.purpose, e.request_id,
         CASE WHEN e.lo IS NULL THEN NULL ELSE access_id_range(e.lo, e.hi, '[]') END
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
              $8::text[], $9::text[])
       WITH ORDINALITY AS e(client_id, scope, entity_type, ids, reason, purpose, request_id, lo, hi, n)
  ORDER BY e.n`

/** Code point order (UTF-8's byte order, collation "C"), which `<` on UTF-16 is not beyond the BMP. */
const unit = (u: number): number => (u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u)
const before = (a: string, b: string): boolean => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return unit(x) < unit(y)
  }
  return a.length < b.length
}

/** The lowest and highest id, as the access_id_range type orders them. */
export const idBounds = (ids: readonly string[]): [string, string] => {
  let lo = ids[0]!
  let hi = lo
  for (const id of ids) {
    if (before(id, lo)) lo = id
    if (before(hi, id)) hi = id
  }
  return [lo, hi]
}

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
    const columns: (string | null)[][] = Array.from({ length: 9 }, () => [])
    for (const e of entries) {
      const ranged = e.ranged === true && e.recordIds.length > 0
      const [lo, hi] = ranged ? idBounds(e.recordIds) : [null, null]
      const row = [
        e.clientId,
        e.scope,
        e.entityType,
        JSON.stringify(e.recordIds),
        freeText(e.reason),
        freeText(e.purpose),
        e.requestId ?? null,
        lo,
        hi,
      ]
      for (let i = 0; i < row.length; i++) columns[i]!.push(row[i] ?? null)
    }
    await this.db.queryPrepared(INSERT, columns)
  }
}

const batchers = new WeakMap<Database, AccessLogBatcher>()

/** The database's one batcher: every route's entries share its writes. */
export const accessLogOf = (db: Database): AccessLogBatcher => {
  let b = batchers.get(db)
  if (!b) batchers.set(db, (b = new AccessLogBatcher(db)))
  return b
}
