/**
 * Bulk rewrites. Of whole tables: drop a table's secondary indexes, load, build them again; building an
 * index once over a million rows costs a fraction of maintaining it row by row during COPY. Of part of a
 * table: write only the rows that differ (replaceChanged).
 */
import type { CopyRows, Database, Tx } from './types.ts'

export async function withoutIndexes<T>(
  tx: Tx,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  // indexes that back a constraint (primary keys, uniques) stay: they guard the load
  const indexes = await tx.query<{ indexname: string; indexdef: string }>(
    `select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename = any($1::text[])
        and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
    [tables],
  )
  for (const i of indexes) await tx.exec(`drop index "${i.indexname}"`)
  const out = await load()
  for (const i of indexes) await tx.exec(i.indexdef)
  return out
}

export interface ReplaceSpec {
  table: string
  /** The columns written, in the order of each row's values. */
  columns: readonly string[]
  /** Columns (among `columns`) that find a stored row, compared with `=`: best those of an index. */
  key: readonly string[]
  /** Which stored rows are being replaced: a condition on the table as `s`, with parameters $1… */
  scope: string
  params?: unknown[]
}

/**
 * Replace the stored rows in scope by `rows`, writing only the difference: a stored row with an
 * identical new row (every written column equal, NULLs alike) stays as it is; the others are deleted,
 * and only new rows without an identical stored row are inserted. Every new row must fall in the scope.
 * In a table of millions of rows with several indexes, an unchanged row rewritten costs as much as a
 * changed one (heap, every index, WAL), and many rows an incremental match touches have not changed.
 * Columns not written (serial ids, created_at) keep their values on the rows that stay.
 */
export async function replaceChanged(
  db: Database,
  tx: Tx,
  spec: ReplaceSpec,
  rows: CopyRows,
): Promise<{ deleted: number; inserted: number }> {
  const work = `replace_${spec.table}`
  const columns = spec.columns.join(', ')
  // the new rows, typed as the table's columns, in a table of this transaction's own
  await tx.exec(
    `create temp table if not exists ${work} on commit drop as select ${columns} from ${spec.table} with no data;
     truncate ${work}`,
  )
  await db.copyInto(tx, work, [...spec.columns], rows)
  await tx.exec(`analyze ${work}`)
  const rest = spec.columns.filter((c) => !spec.key.includes(c))
  const same = [
    ...spec.key.map((c) => `n.${c} = s.${c}`),
    ...(rest.length > 0
      ? [
          `(${rest.map((c) => `n.${c}`).join(', ')}) is not distinct from (${rest.map((c) => `s.${c}`).join(', ')})`,
        ]
      : []),
  ].join(' and ')
  const params = spec.params ?? []
  const [deleted] = await tx.query<{ n: number }>(
    `with gone as (
       delete from ${spec.table} s where (${spec.scope}) and not exists (select 1 from ${work} n where ${same})
       returning 1)
     select count(*)::int as n from gone`,
    params,
  )
  const [inserted] = await tx.query<{ n: number }>(
    `with added as (
       insert into ${spec.table} (${columns})
       select ${spec.columns.map((c) => `n.${c}`).join(', ')} from ${work} n
        where not exists (select 1 from ${spec.table} s where (${spec.scope}) and ${same})
       returning 1)
     select count(*)::int as n from added`,
    params,
  )
  return { deleted: deleted?.n ?? 0, inserted: inserted?.n ?? 0 }
}
