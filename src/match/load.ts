/**
 * Reads mention rows in pages by keyset on (source_record_id, role): memory holds one page of driver
 * rows at a time beside the compact records the caller keeps.
 */
import type { Database, Row } from '../db/types.ts'

export interface PageOptions {
  pageSize?: number
  /** Extra condition on the mention table, aliased `m` (e.g. only some records). */
  where?: string
  params?: unknown[]
}

export async function* mentionPages(
  db: Database,
  table: 'source_persons' | 'source_houses' | 'source_units',
  columns: string,
  opts: PageOptions = {},
): AsyncGenerator<Row[]> {
  const size = opts.pageSize ?? 50_000
  const extra = opts.params ?? []
  const where = opts.where ? `and (${opts.where})` : ''
  let after: [number, string] = [-1, '']
  for (;;) {
    const rows = await db.query(
      `select m.source_record_id, m.source, m.record_id, m.role, ${columns}
         from ${table} m join source_records r on r.id = m.source_record_id
        where (m.source_record_id, m.role) > ($1, $2) ${where}
        order by m.source_record_id, m.role limit ${size}`,
      [after[0], after[1], ...extra],
    )
    if (rows.length === 0) return
    yield rows
    const last = rows[rows.length - 1] as Row
    after = [Number(last.source_record_id), String(last.role)]
    if (rows.length < size) return
  }
}

export const str = (v: unknown): string | null =>
  v === null || v === undefined || v === '' ? null : String(v)
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])

/** Page options restricting a load to some source records (all when undefined). */
export const recordFilter = (records?: readonly number[]): PageOptions =>
  records === undefined
    ? {}
    : { where: 'm.source_record_id = any($3::bigint[])', params: [records.map(String)] }

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

  /** A timestamp as ISO text, pooled (a batch's records share one). */
  iso(v: unknown): string {
    const s = v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()
    return this.str(s) as string
  }
}
