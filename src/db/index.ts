import { resolve } from 'node:path'
import { detectCapabilities, migrate } from './migrate.ts'
import { openPglite } from './pglite.ts'
import { openPostgres } from './postgres.ts'
import type { Database, OpenOptions } from './types.ts'

/*
 * The one door to the database. Nothing outside src/db/ imports a driver.
 *   undefined / 'file:PATH'  → embedded PGlite in a data folder (default ./data/sanshi)
 *   'memory:'                → in-memory PGlite (tests, throw-away runs)
 *   'postgres://…'           → PostgreSQL server through a node-postgres pool
 */

export const DEFAULT_DATA_DIR = './data/sanshi'

export type { MigrateOptions, MigrateResult } from './migrate.ts'
export { detectCapabilities, MIGRATIONS_DIR, migrate } from './migrate.ts'
export { snapshotPglite } from './pglite.ts'
export * as schema from './schema/index.ts'
export type { Capabilities, CopyRows, Database, Drizzle, DrizzleTx, OpenOptions, Row, Tx } from './types.ts'

export async function openDatabase(url?: string, opts: OpenOptions = {}): Promise<Database> {
  const database = await connect(url, opts)
  try {
    if (opts.migrate !== false) await migrate(database, opts.log ? { log: opts.log } : {})
    Object.assign(database.capabilities, await detectCapabilities(database))
    return database
  } catch (err) {
    await database.close().catch(() => {})
    throw err
  }
}

function connect(url: string | undefined, opts: OpenOptions): Promise<Database> {
  if (url === undefined || url === '') return openPglite(resolve(DEFAULT_DATA_DIR))
  if (url === 'memory:' || url === 'memory://') return openPglite(undefined, opts.pgliteSnapshot)
  if (url.startsWith('file:')) {
    // file:PATH and file://PATH both name a folder, relative to the working directory if not absolute.
    const path = url.slice('file:'.length).replace(/^\/\//, '')
    if (!path) throw new Error('database url file: needs a folder, e.g. file:./data/sanshi')
    return openPglite(resolve(path))
  }
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, opts)
  // Never echo the url: it may carry a password.
  throw new Error('unsupported database url: use file:PATH, memory: or postgres://…')
}
export { JsonText } from './copy-text.ts'
export { CopyBuffer } from './copy-buffer.ts'
