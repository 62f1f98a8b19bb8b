import { mkdir } from 'node:fs/promises'
import { PGlite, type Transaction, types } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle } from 'drizzle-orm/pglite'
import { CopyPlanner } from './copy-plan.ts'
import { chunks, copyTarget } from './copy-text.ts'
import * as schema from './schema/index.ts'
import type { CopyRows, Database, Drizzle, DrizzleTx, Tx } from './types.ts'

// PGlite reads COPY input from one in-memory Blob per statement: bound its size by rows.
const CHUNK_ROWS = 20_000
const CHUNK_CHARS = 64 * 1024 * 1024

interface PgliteTx extends Tx {
  raw: Transaction
}

/** The embedded database: PGlite in a data folder, or in memory when dataDir is undefined. */
export async function openPglite(dataDir: string | undefined, snapshot?: Blob): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true })
  const client = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    ...(snapshot ? { loadDataDir: snapshot } : {}),
    // Counts and bigserial ids as numbers, as on the PostgreSQL driver (src/db/postgres.ts).
    parsers: { [types.INT8]: (v: string) => Number(v) },
  })
  const db = drizzle({ client, schema }) as unknown as Drizzle
  const planner = new CopyPlanner()

  const wrap = (raw: Transaction, dtx: DrizzleTx): PgliteTx => ({
    raw,
    db: dtx,
    query: async <T>(sql: string, params?: unknown[]) => (await raw.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await raw.exec(sql)
    },
  })

  const database: Database = {
    kind: 'pglite',
    db,
    capabilities: { postgis: false, trgm: false },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
    // one connection in the same process: no round trips to save, so nothing is kept prepared
    queryPrepared: async <T>(sql: string, params?: unknown[]) => (await client.query<T>(sql, params)).rows,
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      db.transaction(async (dtx) => {
        // drizzle's PGlite session runs on PGlite's own Transaction; reuse it for raw SQL and COPY.
        const raw = (dtx as unknown as { session: { client: Transaction } }).session.client
        return fn(wrap(raw, dtx as unknown as DrizzleTx))
      }),
    async copyInto(tx: Tx, table: string, columns: string[], rows: CopyRows): Promise<number> {
      const raw = (tx as PgliteTx).raw
      if (!raw) throw new Error('copyInto: tx must come from this database’s transaction()')
      const encode = await planner.encoderFor(tx, table, columns)
      const sql = `COPY ${copyTarget(table, columns)} FROM '/dev/blob'`
      let count = 0
      // Each chunk is its own COPY statement inside the caller's transaction (PGlite passes the
      // blob option through Transaction.query), so a failure still rolls the whole load back.
      for await (const chunk of chunks(rows, encode, CHUNK_ROWS, CHUNK_CHARS)) {
        await raw.query(sql, [], { blob: new Blob([chunk.text]) })
        count += chunk.rows
      }
      return count
    },
    async copyEncoder(tx: Tx, table: string, columns: string[]) {
      const encode = await planner.encoderFor(tx, table, columns)
      return (row: unknown[]) => encode(row, 0)
    },
    async copyText(tx: Tx, table: string, columns: string[], text: string | Uint8Array): Promise<void> {
      const raw = (tx as PgliteTx).raw
      if (!raw) throw new Error('copyText: tx must come from this database’s transaction()')
      if (text.length === 0) return
      await raw.query(`COPY ${copyTarget(table, columns)} FROM '/dev/blob'`, [], { blob: new Blob([text]) })
    },
    close: () => client.close(),
  }
  clients.set(database, client)
  return database
}

const clients = new WeakMap<Database, PGlite>()

/** The data folder of an embedded database as a tarball, to open copies from (test templates). */
export async function snapshotPglite(database: Database): Promise<Blob> {
  const client = clients.get(database)
  if (!client) throw new Error('snapshotPglite: not an embedded (PGlite) database')
  return client.dumpDataDir('none')
}
