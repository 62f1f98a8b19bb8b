import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/index.ts'
import { purgeAccessLog, scheduleAccessLogPurge } from '../../src/jobs/access-log-retention.ts'
import { DATABASE_KINDS, forEachDatabase, openTestDatabase, unavailable } from '../support/databases.ts'

const DAY = 86_400_000
const NOW = new Date('2025-06-01T12:00:00Z')
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY).toISOString()

/** Entries `ages` days before NOW; returns their ids in the same order. */
const seed = async (db: Database, ages: number[], client = 'police'): Promise<number[]> => {
  const ids: number[] = []
  for (const age of ages) {
    const [row] = await db.query<{ id: number }>(
      `INSERT INTO access_log (client_id, scope, entity_type, record_ids, at)
       VALUES ($1, 'read:person:all', 'person', ARRAY['G' || $2::text], $3::timestamptz) RETURNING id::float8 AS id`,
      [client, String(age), daysAgo(age)],
    )
    ids.push(row!.id)
  }
  return ids
}

const remaining = async (db: Database): Promise<number[]> =>
  (await db.query<{ id: number }>('SELECT id::float8 AS id FROM access_log ORDER BY id')).map((r) => r.id)

forEachDatabase('access log: append-only, retention', (getDb) => {
  let ids: number[]
  beforeEach(async () => {
    await purgeAccessLog(getDb(), 1, new Date('2100-01-01T00:00:00Z')) // clears what earlier tests left
    ids = await seed(getDb(), [400, 366, 364, 1, 0])
  })

  it.each([
    [
      'UPDATE a row',
      'UPDATE access_log SET purpose = $1 WHERE id = $2',
      (i: number[]) => ['rewritten', i[0]],
    ],
    ['UPDATE every row', 'UPDATE access_log SET client_id = $1', () => ['nobody']],
    ['DELETE a row', 'DELETE FROM access_log WHERE id = $1', (i: number[]) => [i[4]]],
    ['DELETE an old row', 'DELETE FROM access_log WHERE id = $1', (i: number[]) => [i[0]]],
    ['DELETE everything', 'DELETE FROM access_log', () => []],
    ['TRUNCATE', 'TRUNCATE access_log', () => []],
  ])('refuses to %s', async (_name, sql, params) => {
    const before = await getDb().query('SELECT * FROM access_log ORDER BY id')
    await expect(getDb().query(sql, params(ids))).rejects.toThrow(/access_log is append-only/)
    expect(await getDb().query('SELECT * FROM access_log ORDER BY id')).toEqual(before)
  })

  it('lets the purge delete only rows older than the cutoff it set, even when it asks for more', async () => {
    await expect(
      getDb().transaction(async (tx) => {
        await tx.query("SELECT set_config('sanshi.access_log_purge_before', $1, true)", [daysAgo(365)])
        await tx.query('DELETE FROM access_log')
      }),
    ).rejects.toThrow(/append-only: DELETE refused/)
    expect(await remaining(getDb())).toEqual(ids)
    // the setting is the transaction's: it is gone for the next statement
    await expect(getDb().query('DELETE FROM access_log WHERE id = $1', [ids[0]])).rejects.toThrow(
      /append-only/,
    )
  })

  it('purges the entries past the retention and keeps the rest', async () => {
    const r = await purgeAccessLog(getDb(), 365, NOW)
    expect(r).toEqual({ deleted: 2, before: daysAgo(365) })
    expect(await remaining(getDb())).toEqual(ids.slice(2))
    expect(await purgeAccessLog(getDb(), 365, NOW)).toEqual({ deleted: 0, before: daysAgo(365) })
    expect((await purgeAccessLog(getDb(), 2, NOW)).deleted).toBe(1)
    expect(await remaining(getDb())).toEqual(ids.slice(3))
  })

  it('keeps everything with a retention of 0', async () => {
    expect(await purgeAccessLog(getDb(), 0, NOW)).toEqual({ deleted: 0, before: null })
    expect(await remaining(getDb())).toEqual(ids)
  })

  it('purges a long backlog in chunks', async () => {
    await getDb().query(
      `INSERT INTO access_log (client_id, scope, entity_type, record_ids, at)
       SELECT 'police', 'read:person:all', 'person', ARRAY['G' || g::text], $1::timestamptz
         FROM generate_series(1, 10005) g`,
      [daysAgo(500)],
    )
    const r = await purgeAccessLog(getDb(), 365, NOW)
    expect(r.deleted).toBe(10_005 + 2)
    expect(await remaining(getDb())).toEqual(ids.slice(2))
  })

  it('runs on its schedule until stopped', async () => {
    const logged: Array<{ fields: object; message: string }> = []
    const log = {
      info: (fields: object, message: string) => logged.push({ fields, message }),
      error: (fields: object, message: string) => logged.push({ fields, message }),
    }
    expect(scheduleAccessLogPurge(getDb(), { retentionDays: 0, cron: '* * * * * *', log })).toBeNull()
    // the job purges by the real clock: entries 400 and 10 days before it
    await purgeAccessLog(getDb(), 1, new Date('2100-01-01T00:00:00Z'))
    const now = Date.now()
    const kept: number[] = []
    for (const age of [400, 10]) {
      const [row] = await getDb().query<{ id: number }>(
        `INSERT INTO access_log (client_id, scope, entity_type, record_ids, at)
         VALUES ('civil', 'read:person:all', 'person', '{}', $1::timestamptz) RETURNING id::float8 AS id`,
        [new Date(now - age * DAY).toISOString()],
      )
      if (age < 365) kept.push(row!.id)
    }
    const job = scheduleAccessLogPurge(getDb(), { retentionDays: 365, cron: '* * * * * *', log })!
    const deadline = Date.now() + 5000
    while (logged.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await job.stop()
    expect(logged[0]).toMatchObject({
      message: 'access log purged',
      fields: { job: 'access-log-retention', deleted: 1 },
    })
    const runs = logged.length
    await new Promise((r) => setTimeout(r, 1200))
    expect(logged.length).toBe(runs)
    expect(await remaining(getDb())).toEqual(kept)
  })
})

const run = promisify(execFile)
const cli = (args: string[], env: Record<string, string> = {}) =>
  run('node', ['bin/sanshi.js', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  )

for (const kind of DATABASE_KINDS) {
  describe.skipIf(unavailable(kind) !== null)(`sanshi audit [${kind}]`, () => {
    let dir: string
    let url: string
    let dispose: () => Promise<void>
    let ids: number[]

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sanshi-audit-'))
      let db: Database
      if (kind === 'pglite') {
        // the CLI opens the database itself: a folder it can open after this handle is closed
        url = `file:${join(dir, 'db')}`
        db = await openDatabase(url)
        dispose = async () => {}
      } else {
        const handle = await openTestDatabase(kind)
        url = handle.url!
        db = handle.database
        dispose = () => handle.dispose()
      }
      const now = Date.now()
      ids = []
      for (const [client, age] of [
        ['police', 400],
        ['civil', 10],
        ['police', 1],
      ] as const) {
        const [row] = await db.query<{ id: number }>(
          `INSERT INTO access_log (client_id, scope, entity_type, record_ids, purpose, at)
           VALUES ($1, 'read:person:all', 'person', ARRAY['G1'], '=cmd', $2::timestamptz) RETURNING id::float8 AS id`,
          [client, new Date(now - age * DAY).toISOString()],
        )
        ids.push(row!.id)
      }
      if (kind === 'pglite') await db.close()
    })

    afterAll(async () => {
      await dispose()
      await rm(dir, { recursive: true, force: true })
    })

    it('exports the filtered log as CSV', async () => {
      const out = join(dir, 'police.csv')
      const from = new Date(Date.now() - 30 * DAY).toISOString()
      const r = await cli([
        'audit',
        'export',
        '--db',
        url,
        '--out',
        out,
        '--client',
        'police',
        '--from',
        from,
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`1 access log entries → ${out}`)
      const bytes = await readFile(out)
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
      const rows: string[][] = parse(bytes.subarray(3).toString('utf8'))
      expect(rows.slice(1).map((row) => [Number(row[0]), row[2], row[6]])).toEqual([
        [ids[2], 'police', "'=cmd"],
      ])
    })

    it('refuses a time without its offset, naming the flag', async () => {
      const r = await cli(['audit', 'export', '--db', url, '--out', join(dir, 'x.csv'), '--to', '2025-01-01'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('SANSHI101 --to: an ISO time with its offset')
    })

    it('purges by the configured retention, or --days', async () => {
      let r = await cli(['audit', 'purge', '--db', url, '--json'], { SANSHI_AUDIT_RETENTION_DAYS: '0' })
      expect(JSON.parse(r.stdout)).toMatchObject({ deleted: 0, before: null, retentionDays: 0 })
      r = await cli(['audit', 'purge', '--db', url, '--json'])
      expect(JSON.parse(r.stdout)).toMatchObject({ deleted: 1, retentionDays: 365 })
      r = await cli(['audit', 'purge', '--db', url, '--days', '5'])
      expect(r.stdout).toMatch(/^1 access log entries before \S+ deleted/)
      r = await cli(['audit', 'purge', '--db', url, '--days', '0'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('SANSHI101 --days must be a whole number of days, at least 1')
    })
  })
}
