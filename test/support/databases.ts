import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, inject } from 'vitest'
import { type Database, type OpenOptions, openDatabase } from '../../src/db/index.ts'
import { cloneDatabase, createEmptyDatabase, dropDatabase, withDatabase } from './admin.ts'

/*
 * Databases for integration tests, on both engines. Each call gets its own database:
 *   postgres — a fresh database cloned from the migrated template (CREATE DATABASE … TEMPLATE),
 *   pglite   — a fresh in-memory instance loaded from the migrated snapshot.
 * `empty: true` gives one with no migrations applied, for testing the runner itself.
 */

export type DatabaseKind = Database['kind']
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres']

export interface TestDatabase {
  database: Database
  /** The url it was opened with (postgres only), to open a second connection to the same data. */
  url: string | null
  dispose(): Promise<void>
}

export interface TestDatabaseOptions {
  empty?: boolean
}

let snapshot: Promise<Blob> | undefined

function pgliteSnapshot(): Promise<Blob> {
  snapshot ??= readFile(inject('sanshiDatabases').pgliteSnapshotPath).then((b) => new Blob([b]))
  return snapshot
}

/** Why the given kind cannot run here, or null when it can. */
export function unavailable(kind: DatabaseKind): string | null {
  return kind === 'postgres' ? inject('sanshiDatabases').postgresSkipReason : null
}

let counter = 0

export async function openTestDatabase(
  kind: DatabaseKind,
  opts: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const open: OpenOptions = opts.empty ? { migrate: false } : {}
  if (kind === 'pglite') {
    const database = await openDatabase(
      'memory:',
      opts.empty ? open : { pgliteSnapshot: await pgliteSnapshot() },
    )
    return { database, url: null, dispose: () => database.close() }
  }
  const { postgresAdminUrl: admin, postgresTemplate: template } = inject('sanshiDatabases')
  if (!admin || !template) throw new Error('PostgreSQL is unavailable for tests')
  const name = `sanshi_t_${process.pid}_${Date.now().toString(36)}_${counter++}`
  if (opts.empty) await createEmptyDatabase(admin, name)
  else await cloneDatabase(admin, template, name)
  const url = withDatabase(admin, name)
  const database = await openDatabase(url, { ...open, max: 4 })
  return {
    database,
    url,
    async dispose() {
      await database.close()
      await dropDatabase(admin, name)
    },
  }
}

/**
 * Run a suite once per engine: `forEachDatabase('ingest', (getDb, kind) => { it(…) })`.
 * The database is opened before the suite and dropped after it; PostgreSQL is skipped (not
 * failed) where global-setup found none, which it only allows outside CI.
 */
export function forEachDatabase(
  name: string,
  body: (getDb: () => Database, kind: DatabaseKind) => void,
  opts: TestDatabaseOptions = {},
): void {
  for (const kind of DATABASE_KINDS) {
    const skip = unavailable(kind)
    const suite = skip ? describe.skip : describe
    suite(`${name} [${kind}]`, () => {
      let handle: TestDatabase | undefined
      beforeAll(async () => {
        handle = await openTestDatabase(kind, opts)
      })
      afterAll(async () => {
        await handle?.dispose()
      })
      body(() => {
        if (!handle) throw new Error('database not opened yet: call getDb() inside a test or hook')
        return handle.database
      }, kind)
    })
  }
}
