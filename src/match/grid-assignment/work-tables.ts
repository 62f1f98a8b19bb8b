/** The transaction's temporary tables the assignment works in, and how rows get into them. */
import type { Tx } from '../../db/types.ts'

export const CHUNK = 20_000

export async function createWorkTables(tx: Tx): Promise<void> {
  // temporary, for this transaction only; emptied in case an earlier call in it made them
  await tx.exec(`
    create temp table if not exists grid_scope (id text primary key) on commit drop;
    create temp table if not exists grid_places (level text, key text, grid_code text not null,
      primary key (level, key)) on commit drop;
    create temp table if not exists point_places (level text, key text, lng float8 not null,
      lat float8 not null, primary key (level, key)) on commit drop;
    create temp table if not exists house_targets (id text primary key, lng float8, lat float8,
      located text, grid_code text, rule text) on commit drop;
    create temp table if not exists grid_hits (house_id text primary key, grid_code text not null) on commit drop;
    truncate grid_scope, grid_places, point_places, house_targets, grid_hits;`)
}

export async function insertChunks(
  tx: Tx,
  table: string,
  columns: string[],
  types: string[],
  arrays: unknown[][],
): Promise<void> {
  const n = arrays[0]?.length ?? 0
  const params = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')
  for (let k = 0; k < n; k += CHUNK)
    await tx.query(
      `insert into ${table} (${columns.join(', ')}) select * from unnest(${params})`,
      arrays.map((a) => a.slice(k, k + CHUNK)),
    )
}
