/**
 * The real `sanshi` command as a child process, on the embedded database folder and on PostgreSQL:
 * a generated district goes in with exactly the refusals the generator made, a second run changes
 * nothing, and a kill -9 in the middle of a batch leaves what one clean run leaves once re-run.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FixtureManifest } from '../../fixtures/generator/index.ts'
import { type Database, openDatabase } from '../../src/db/index.ts'
import { type DatabaseKind, openTestDatabase, type TestDatabase, unavailable } from '../support/databases.ts'

const BIN = resolve('bin/sanshi.js')

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The child's environment: no database or limits of the developer's own. */
const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k.startsWith('SANSHI_')) delete env[k]
  return env
}

const start = (args: string[]): { child: ChildProcess; done: Promise<Run> } => {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const done = new Promise<Run>((resolveRun, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

const sanshi = (...args: string[]): Promise<Run> => start(args).done

interface Summary {
  batchId: string
  source: string
  file: string
  status: string
  rows: number
  accepted: number
  rejected: number
  warnings: number
  inserted: number
  updated: number
  unchanged: number
  seconds: number
}

const summaries = (run: Run): Summary[] => {
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  return run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Summary)
}

const invalidCount = (f: FixtureManifest['files'][number]) =>
  f.invalid.blankRecordId + f.invalid.blankPrimary + f.invalid.repeated

let work: string
let small: FixtureManifest
let bigHukou: string
let bigRows: { rows: number; invalid: number }

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sanshi-e2e-'))
  const [a, b] = await Promise.all([
    sanshi('fixtures', '--persons', '2000', '--seed', '3', '--out', join(work, 'small'), '--json'),
    sanshi('fixtures', '--persons', '40000', '--seed', '5', '--out', join(work, 'big'), '--json'),
  ])
  expect(a.code).toBe(0)
  expect(b.code).toBe(0)
  small = JSON.parse(a.stdout) as FixtureManifest
  expect(small).toEqual({
    ...(JSON.parse(readFileSync(join(work, 'small', 'manifest.json'), 'utf8')) as object),
    seconds: expect.any(Number),
  })
  const big = JSON.parse(b.stdout) as FixtureManifest
  const hukou = big.files.find((f) => f.source === 'police.hukou')!
  bigHukou = join(work, 'big', hukou.file)
  bigRows = { rows: hukou.rows, invalid: invalidCount(hukou) }
}, 60_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** A database for the CLI: a fresh folder, or a fresh PostgreSQL database; plus a way to look inside. */
interface Target {
  url: string
  /** Opens a connection of the test's own (for the embedded folder: only while no CLI holds it). */
  open(): Promise<Database>
  close(db: Database): Promise<void>
  dispose(): Promise<void>
}

let folders = 0
const target = async (kind: DatabaseKind): Promise<Target> => {
  if (kind === 'pglite') {
    const path = join(work, `db-${folders++}`)
    const url = `file:${path}`
    return { url, open: () => openDatabase(url), close: (db) => db.close(), dispose: async () => {} }
  }
  const handle: TestDatabase = await openTestDatabase('postgres')
  return {
    url: handle.url!,
    open: async () => handle.database,
    close: async () => {},
    dispose: () => handle.dispose(),
  }
}

const inspect = async <T>(t: Target, fn: (db: Database) => Promise<T>): Promise<T> => {
  const db = await t.open()
  try {
    return await fn(db)
  } finally {
    await t.close(db)
  }
}

const COUNTS = `SELECT
  (SELECT count(*)::int FROM batches) AS batches,
  (SELECT count(*)::int FROM batches WHERE status = 'committed') AS committed,
  (SELECT count(*)::int FROM source_records) AS source_records,
  (SELECT count(*)::int FROM source_record_history) AS history,
  (SELECT count(*)::int FROM refused_rows) AS refused_rows,
  (SELECT count(*)::int FROM source_persons) AS persons,
  (SELECT count(*)::int FROM source_houses) AS houses,
  (SELECT count(*)::int FROM source_units) AS units`

/** Content without the ids a sequence hands out (a killed run burns some): what a clean run must equal. */
const CONTENT = `SELECT
  (SELECT md5(string_agg(concat_ws(E'\\t', record_id, row_hash, row_number, version, raw::text, data::text, problems::text), E'\\n' ORDER BY record_id)) FROM source_records) AS records,
  (SELECT md5(string_agg(j, E'\\n' ORDER BY j)) FROM (SELECT (to_jsonb(m) - 'source_record_id')::text AS j FROM source_persons m) x) AS persons,
  (SELECT md5(string_agg(j, E'\\n' ORDER BY j)) FROM (SELECT (to_jsonb(m) - 'source_record_id')::text AS j FROM source_houses m) x) AS houses,
  (SELECT md5(string_agg(j, E'\\n' ORDER BY j)) FROM (SELECT (to_jsonb(m) - 'source_record_id')::text AS j FROM source_units m) x) AS units,
  (SELECT md5(string_agg(concat_ws(E'\\t', row_number, record_id, raw::text, problems::text), E'\\n' ORDER BY row_number)) FROM refused_rows) AS refused,
  (SELECT count(*)::int FROM (
     SELECT source_record_id, record_id FROM source_persons UNION ALL
     SELECT source_record_id, record_id FROM source_houses UNION ALL
     SELECT source_record_id, record_id FROM source_units) m
   LEFT JOIN source_records r ON r.id = m.source_record_id AND r.record_id = m.record_id WHERE r.id IS NULL) AS orphans`

for (const kind of ['pglite', 'postgres'] as const) {
  const suite = unavailable(kind) ? describe.skip : describe
  suite(`sanshi ingest, as a command [${kind}]`, () => {
    it('takes all eight files of a generated district with exactly the refusals the generator made; a second run changes nothing', async () => {
      const t = await target(kind)
      try {
        const first = summaries(await sanshi('ingest', join(work, 'small'), '--db', t.url, '--json'))
        expect(first.map((s) => s.file).sort()).toEqual(small.files.map((f) => f.file).sort())
        for (const f of small.files) {
          const s = first.find((x) => x.file === f.file)!
          const invalid = invalidCount(f)
          expect({
            file: s.file,
            source: s.source,
            status: s.status,
            rows: s.rows,
            accepted: s.accepted,
            rejected: s.rejected,
          }).toEqual({
            file: f.file,
            source: f.source,
            status: 'committed',
            rows: f.rows,
            accepted: f.rows - invalid,
            rejected: invalid,
          })
          expect(s.inserted).toBe(s.accepted)
        }
        const totalAccepted = first.reduce((n, s) => n + s.accepted, 0)
        const counts = await inspect(t, (db) => db.query(COUNTS))
        expect(counts[0]).toMatchObject({
          batches: 8,
          committed: 8,
          source_records: totalAccepted,
          history: 0,
          refused_rows: first.reduce((n, s) => n + s.rejected, 0),
        })

        const second = summaries(await sanshi('ingest', join(work, 'small'), '--db', t.url, '--json'))
        expect(second.map((s) => [s.file, s.status, s.batchId, s.inserted, s.updated, s.unchanged])).toEqual(
          first.map((s) => [s.file, 'unchanged', s.batchId, 0, 0, s.accepted]),
        )
        expect(await inspect(t, (db) => db.query(COUNTS))).toEqual(counts)
      } finally {
        await t.dispose()
      }
    }, 90_000)

    it('after kill -9 in the middle of a batch, re-running the file leaves exactly what one clean run leaves', async () => {
      const clean = await target(kind)
      const killed = await target(kind)
      try {
        // the relation file of source_persons grows on disk as soon as the first chunk's mentions are written
        let probe: (db: Database) => Promise<boolean>
        if (kind === 'pglite') {
          const folder = killed.url.slice('file:'.length)
          const [{ path } = { path: '' }] = await inspect(killed, (db) =>
            db.query<{ path: string }>(`SELECT pg_relation_filepath('source_persons') AS path`),
          )
          probe = async () => statSync(join(folder, path)).size > 0
        } else
          probe = async (db) =>
            (await db.query<{ n: number }>(`SELECT pg_relation_size('source_persons')::int AS n`))[0]!.n > 0

        const run = start(['ingest', bigHukou, '--db', killed.url, '--json'])
        const watcher = kind === 'postgres' ? await killed.open() : (undefined as unknown as Database)
        let writing = false
        let exited = false
        void run.done.then(() => (exited = true))
        while (!writing && !exited) {
          writing = await probe(watcher)
          if (!writing) await new Promise((r) => setTimeout(r, 25))
        }
        expect(exited).toBe(false) // the batch was still running when its first rows hit the disk
        run.child.kill('SIGKILL')
        const dead = await run.done
        expect(dead.signal).toBe('SIGKILL')
        expect(dead.stdout).toBe('') // no summary: the batch never finished

        // nothing of the killed batch is visible
        expect(await inspect(killed, (db) => db.query(COUNTS))).toEqual([
          {
            batches: 0,
            committed: 0,
            source_records: 0,
            history: 0,
            refused_rows: 0,
            persons: 0,
            houses: 0,
            units: 0,
          },
        ])

        const [again, once] = [
          summaries(await sanshi('ingest', bigHukou, '--db', killed.url, '--json')),
          summaries(await sanshi('ingest', bigHukou, '--db', clean.url, '--json')),
        ]
        const expected = {
          source: 'police.hukou',
          status: 'committed',
          rows: bigRows.rows,
          accepted: bigRows.rows - bigRows.invalid,
          rejected: bigRows.invalid,
          inserted: bigRows.rows - bigRows.invalid,
          updated: 0,
          unchanged: 0,
        }
        expect(again).toEqual([expect.objectContaining(expected)])
        expect(once).toEqual([expect.objectContaining(expected)])

        const [afterKill, afterClean] = [
          await inspect(killed, async (db) => ({
            counts: await db.query(COUNTS),
            content: await db.query(CONTENT),
          })),
          await inspect(clean, async (db) => ({
            counts: await db.query(COUNTS),
            content: await db.query(CONTENT),
          })),
        ]
        expect(afterKill.counts[0]).toMatchObject({
          batches: 1,
          committed: 1,
          source_records: expected.accepted,
        })
        expect(afterKill.content[0]).toMatchObject({ orphans: 0 })
        expect(afterKill).toEqual(afterClean)
      } finally {
        await clean.dispose()
        await killed.dispose()
      }
    }, 120_000)
  })
}
