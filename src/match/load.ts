/**
 * Reads mention rows page by page: by ranges of source record ids (both sides of the join bounded, so
 * each page costs its own rows, not a scan of source_records), or by lists of ids for a neighbourhood.
 * Memory holds one page of driver rows beside the compact records the caller keeps.
 */
import type { Database, Row } from '../db/types.ts'

export interface PageOptions {
  /** Source record ids per page. */
  pageSize?: number
  /** Only these source records (all when undefined). */
  records?: readonly number[]
}

export async function* mentionPages(
  db: Database,
  table: 'source_persons' | 'source_houses' | 'source_units',
  columns: string,
  opts: PageOptions = {},
): AsyncGenerator<Row[]> {
  const size = opts.pageSize ?? 50_000
  const select = `select m.source_record_id, m.source, m.record_id, m.role, ${columns}
      from ${table} m join source_records r on r.id = m.source_record_id`
  if (opts.records) {
    const ids = [...new Set(opts.records)].sort((a, b) => a - b).map(String)
    for (let k = 0; k < ids.length; k += size) {
      const part = ids.slice(k, k + size)
      const rows = await db.query(
        `${select} where m.source_record_id = any($1::bigint[]) and r.id = any($1::bigint[])
          order by m.source_record_id, m.role`,
        [part],
      )
      if (rows.length > 0) yield rows
    }
    return
  }
  const [bounds] = await db.query<{ lo: string | null; hi: string | null }>(
    `select min(source_record_id) as lo, max(source_record_id) as hi from ${table}`,
  )
  if (!bounds?.lo || !bounds.hi) return
  for (let lo = Number(bounds.lo); lo <= Number(bounds.hi); lo += size) {
    const hi = lo + size - 1
    const rows = await db.query(
      `${select} where m.source_record_id between $1 and $2 and r.id between $1 and $2
        order by m.source_record_id, m.role`,
      [lo, hi],
    )
    if (rows.length > 0) yield rows
  }
}

/** When the record was last written, as ISO text made by the database (no per-row date parsing here). */
export const SEEN_AT = `to_char(r.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as seen_at`

export const str = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v)

/**
 * One string instance per distinct value: the driver hands each row its own copies, and a million
 * mentions repeat the same source, role, date and address parts; keeping one copy saves most of the heap.
 */
export class StringPool {
  private readonly pool = new Map<string, string>()

  get size(): number {
    return this.pool.size
  }

  str(v: unknown): string | null {
    const s = str(v)
    if (s === null) return null
    const have = this.pool.get(s)
    if (have !== undefined) return have
    this.pool.set(s, s)
    return s
  }

  strs(v: unknown): string[] {
    return Array.isArray(v) ? v.map((x) => this.str(x) ?? '') : []
  }
}
