import type { ExtractTablesWithRelations } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import type * as schema from './schema/index.ts'

export type Schema = typeof schema
/** Drizzle over the whole schema; the same type whichever driver is underneath. */
export type Drizzle = PgDatabase<PgQueryResultHKT, Schema>
export type DrizzleTx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>

export type Row = Record<string, unknown>
export type CopyRows = AsyncIterable<unknown[]> | Iterable<unknown[]>

/** A transaction: raw SQL and a drizzle handle on one connection. */
export interface Tx {
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>
  /** Several statements in one simple-protocol round trip (no parameters): migrations, DDL. */
  exec(sql: string): Promise<void>
  db: DrizzleTx
}

export interface Capabilities {
  postgis: boolean
  trgm: boolean
}

export interface Database {
  kind: 'pglite' | 'postgres'
  db: Drizzle
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>
  /**
   * query() as a statement each connection prepares once and the server then plans once: for the hot
   * lookups whose text repeats (planning a three-table join costs more than running it). Only for SQL
   * whose text comes from a bounded set, with every value a parameter.
   */
  queryPrepared<T = Row>(sql: string, params?: unknown[]): Promise<T[]>
  /**
   * Run fn in one transaction, committed if it resolves, rolled back if it throws. Inside, use
   * tx only: PGlite has one connection, so the database's own query() would wait for fn forever.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /**
   * COPY rows into table (values in the order of columns) inside tx; returns the rows written.
   * Values are encoded by the column's type: text[] from JS arrays, jsonb from any JS value
   * (JS null/undefined is SQL NULL), booleans, numbers, Dates. Column defaults apply only to
   * columns left out of the list, so pass [] for a NOT NULL array column, never null.
   */
  copyInto(tx: Tx, table: string, columns: string[], rows: CopyRows): Promise<number>
  /** The COPY line encoder copyInto uses, for callers that encode rows as they make them (no row arrays kept). */
  copyEncoder(tx: Tx, table: string, columns: string[]): Promise<(row: unknown[]) => string>
  /** COPY text already encoded by copyEncoder (whole lines, as a string or UTF-8 bytes) into the table. */
  copyText(tx: Tx, table: string, columns: string[], text: string | Uint8Array): Promise<void>
  /**
   * The text of `COPY (sql) TO STDOUT` (UTF-8, PostgreSQL's text format; copy-out.ts reads it) as it
   * arrives, on a connection of its own; PostgreSQL only (PGlite streams no COPY out). `sql` takes no
   * parameters: inline them (copy-out.ts). Stopping early drops the connection, ending the COPY.
   */
  copyOut?(sql: string): AsyncIterable<Buffer>
  capabilities: Capabilities
  close(): Promise<void>
}

export interface OpenOptions {
  /** Apply pending migrations on open (default true). */
  migrate?: boolean
  /** Pool size on PostgreSQL (default 10). */
  max?: number
  /** PGlite only: start from a dumpDataDir() tarball instead of an empty cluster (test templates). */
  pgliteSnapshot?: Blob
  /** Where progress lines go (default: nowhere). Never receives row contents. */
  log?: (message: string) => void
}
