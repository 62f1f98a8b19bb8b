/**
 * Bulk rewrites of whole tables: drop a table's secondary indexes, load, build them again. Building an
 * index once over a million rows costs a fraction of maintaining it row by row during COPY. Indexes
 * that back a constraint (primary keys, uniques) stay: they guard the load.
 */
import type { Tx } from './types.ts'

export async function withoutIndexes<T>(
  tx: Tx,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
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
