import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import { CopyPlanner } from './copy-plan.ts'
import { chunks, copyTarget } from './copy-text.ts'
import * as schema from './schema/index.ts'
import type { CopyRows, Database, Drizzle, DrizzleTx, OpenOptions, Tx } from './types.ts'

// Stream to the server in pieces of ~256k characters: 64k to 4M measured the same, so take one
// that keeps memory flat whatever the row count.
const CHUNK_CHARS = 256 * 1024
const BYTE_SLICE = 1024 * 1024
const INT8 = 20

/** A prepared statement's name from its text: node-postgres prepares a name once per connection. */
const statementNames = new Map<string, string>()
const statementName = (sql: string): string => {
  let name = statementNames.get(sql)
  if (!name) {
    name = `s_${createHash('sha1').update(sql).digest('base64url')}`
    statementNames.set(sql, name)
  }
  return name
}

interface PgTx extends Tx {
  client: pg.PoolClient
}

/** A PostgreSQL server through a node-postgres Pool. */
export async function openPostgres(url: string, opts: OpenOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    // Counts and bigserial ids as numbers, as on PGlite; ids stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 && format !== 'binary'
          ? Number
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', (err) => opts.log?.(`postgres pool: ${err.message}`))
  await pool.query('select 1') // fail at open, not at first use
  const db = drizzle({ client: pool, schema }) as unknown as Drizzle
  const planner = new CopyPlanner()

  const wrap = (client: pg.PoolClient, dtx: DrizzleTx): PgTx => ({
    client,
    db: dtx,
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
    exec: async (sql: string) => {
      await client.query(sql)
    },
  })

  return {
    kind: 'postgres',
    db,
    capabilities: { postgis: false, trgm: false },
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    queryPrepared: async <T>(sql: string, params?: unknown[]) =>
      (await pool.query({ name: statementName(sql), text: sql, values: params ?? [] })).rows as T[],
    transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
      db.transaction(async (dtx) => {
        // drizzle checked a client out of the pool and ran BEGIN on it; reuse it for raw SQL and COPY.
        const client = (dtx as unknown as { session: { client: pg.PoolClient } }).session.client
        return fn(wrap(client, dtx as unknown as DrizzleTx))
      }),
    async copyInto(tx: Tx, table: string, columns: string[], rows: CopyRows): Promise<number> {
      const client = (tx as PgTx).client
      if (!client) throw new Error('copyInto: tx must come from this database’s transaction()')
      const encode = await planner.encoderFor(tx, table, columns)
      let count = 0
      async function* text() {
        for await (const chunk of chunks(rows, encode, Number.POSITIVE_INFINITY, CHUNK_CHARS)) {
          count += chunk.rows
          yield chunk.text
        }
      }
      const stream = client.query(copyFrom(`COPY ${copyTarget(table, columns)} FROM STDIN`))
      // pipeline waits on 'drain' (back-pressure) and turns a server error into a rejection.
      await pipeline(Readable.from(text()), stream)
      return count
    },
    async copyEncoder(tx: Tx, table: string, columns: string[]) {
      const encode = await planner.encoderFor(tx, table, columns)
      return (row: unknown[]) => encode(row, 0)
    },
    async copyText(tx: Tx, table: string, columns: string[], text: string | Uint8Array): Promise<void> {
      const client = (tx as PgTx).client
      if (!client) throw new Error('copyText: tx must come from this database’s transaction()')
      if (text.length === 0) return
      function* slices(): Generator<string | Uint8Array> {
        if (typeof text !== 'string') {
          // bytes may be cut anywhere: the server reads COPY data as one stream
          for (let i = 0; i < text.length; i += BYTE_SLICE) yield text.subarray(i, i + BYTE_SLICE)
          return
        }
        for (let i = 0; i < text.length;) {
          let end = Math.min(i + CHUNK_CHARS, text.length)
          // never cut between the two halves of a surrogate pair: each slice is encoded to UTF-8 alone
          const last = text.charCodeAt(end - 1)
          if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
          yield text.slice(i, end)
          i = end
        }
      }
      const stream = client.query(copyFrom(`COPY ${copyTarget(table, columns)} FROM STDIN`))
      await pipeline(Readable.from(slices()), stream)
    },
    async *copyOut(sql: string): AsyncGenerator<Buffer> {
      const client = await pool.connect()
      let done = false
      try {
        const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (ENCODING 'UTF8')`))
        for await (const chunk of stream) yield chunk as Buffer
        done = true
      } finally {
        // stopped early or failed, the COPY may still be running on the server: the connection is dropped
        client.release(done ? undefined : true)
      }
    },
    close: () => pool.end(),
  }
}
