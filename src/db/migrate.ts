import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Capabilities, Database, Tx } from './types.ts'

/*
 * Our own migration runner, the same on PGlite and PostgreSQL:
 *  - migrations/*.sql (drizzle-kit output) in name order, then, per folder
 *    migrations/extensions/<extension>/, that extension's files, only where
 *    CREATE EXTENSION <extension> succeeds (PostGIS is missing on PGlite and on bare servers);
 *  - each file in its own transaction, recorded by name and content hash in sanshi_migrations;
 *  - every transaction first takes one advisory lock, so two processes opening the same server
 *    at once apply each file exactly once (the second waits, then sees it recorded).
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))
const LOCK_KEY = 7_351_208_412 // any constant bigint; names "sanshi migrations" for pg_locks readers

export interface MigrateOptions {
  dir?: string
  log?: (message: string) => void
}

export interface MigrateResult {
  applied: string[]
  /** Extensions whose migration folder was skipped because the extension cannot be created here. */
  skippedExtensions: string[]
}

interface MigrationFile {
  name: string // relative to the migrations folder, with '/' separators
  sql: string
  hash: string
}

async function sqlFiles(dir: string, prefix: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const names = entries.filter((e) => e.isFile() && e.name.endsWith('.sql')).map((e) => e.name)
  names.sort()
  return Promise.all(
    names.map(async (name) => {
      // Line endings normalised so a Windows checkout does not look like an edited migration.
      const sql = (await readFile(join(dir, name), 'utf8')).replace(/\r\n/g, '\n')
      return { name: prefix + name, sql, hash: createHash('sha256').update(sql).digest('hex') }
    }),
  )
}

async function locked<T>(database: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return database.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY])
    return fn(tx)
  })
}

async function applyFile(
  database: Database,
  file: MigrationFile,
  log: (m: string) => void,
): Promise<boolean> {
  return locked(database, async (tx) => {
    const [done] = await tx.query<{ hash: string }>('select hash from sanshi_migrations where name = $1', [
      file.name,
    ])
    if (done) {
      if (done.hash !== file.hash) {
        throw new Error(
          `migration ${file.name} was changed after it was applied; add a new migration instead of editing it`,
        )
      }
      return false
    }
    await tx.exec(file.sql)
    await tx.query('insert into sanshi_migrations (name, hash) values ($1, $2)', [file.name, file.hash])
    log(`migration applied: ${file.name}`)
    return true
  })
}

/** Try to create an extension; false (not an error) when it is not installed or not permitted. */
async function ensureExtension(database: Database, name: string, log: (m: string) => void): Promise<boolean> {
  const [available] = await database.query('select 1 from pg_available_extensions where name = $1', [name])
  if (!available) return false
  try {
    await locked(database, (tx) => tx.exec(`create extension if not exists "${name.replace(/"/g, '""')}"`))
    return true
  } catch (err) {
    log(`extension ${name} not created (${(err as Error).message}); its migrations are skipped`)
    return false
  }
}

/** Apply every pending migration. Safe to call on every open: applied files are skipped. */
export async function migrate(database: Database, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = opts.dir ?? MIGRATIONS_DIR
  const log = opts.log ?? (() => {})
  await locked(database, (tx) =>
    tx.exec(`create table if not exists sanshi_migrations (
      name text primary key,
      hash text not null,
      applied_at timestamptz not null default now()
    )`),
  )
  const result: MigrateResult = { applied: [], skippedExtensions: [] }
  for (const file of await sqlFiles(dir, '')) {
    if (await applyFile(database, file, log)) result.applied.push(file.name)
  }
  const extRoot = join(dir, 'extensions')
  const extDirs = (await readdir(extRoot, { withFileTypes: true }).catch(() => []))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
  for (const ext of extDirs) {
    if (!(await ensureExtension(database, ext, log))) {
      result.skippedExtensions.push(ext)
      continue
    }
    for (const file of await sqlFiles(join(extRoot, ext), `extensions/${ext}/`)) {
      if (await applyFile(database, file, log)) result.applied.push(file.name)
    }
  }
  return result
}

/** What this database can do, from the extensions actually installed in it. */
export async function detectCapabilities(database: Database): Promise<Capabilities> {
  const rows = await database.query<{ extname: string }>(
    "select extname from pg_extension where extname in ('postgis', 'pg_trgm')",
  )
  const names = new Set(rows.map((r) => r.extname))
  let trgm = names.has('pg_trgm')
  if (trgm) {
    // Under LC_CTYPE C pg_trgm sees no letters in Chinese and every index lookup comes back
    // empty: report it as missing so callers take the non-trigram path instead.
    const [probe] = await database.query<{ ok: boolean }>(
      "select coalesce(array_length(show_trgm('王伟'), 1), 0) > 0 as ok",
    )
    trgm = probe?.ok === true
  }
  return { postgis: names.has('postgis'), trgm }
}
