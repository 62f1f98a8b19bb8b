/**
 * The access log's index by person is built behind the log (migration 0010): whatever part of the log it
 * has reached, the auditor's "who read this record" must answer exactly as a scan of the log would, and
 * an entry committed after a later one must not be skipped.
 */
import { beforeEach, expect, it } from 'vitest'
import { AccessLogBatcher } from '../../src/api/repositories/access-log-batcher.ts'
import { type AccessFilter, listAccess } from '../../src/api/repositories/access-log-repository.ts'
import type { Database } from '../../src/db/index.ts'
import {
  ENTRIES_PER_ROW,
  indexAccessLog,
  scheduleAccessLogIndexing,
} from '../../src/jobs/access-log-indexing.ts'
import { purgeAccessLog } from '../../src/jobs/access-log-retention.ts'
import { forEachDatabase } from '../support/databases.ts'

interface Posting {
  lo: number
  hi: number
  /** the ids of `candidates` whose key the row holds */
  ids: string[]
  /** the row's keys are distinct and in ascending order */
  sorted: boolean
}

/** Every id any test here writes: the index holds keys, so a row is read back as the ids it has keys for. */
const CANDIDATES = [
  ...['P1', 'P2', 'P3', 'P9', 'X1', 'X2', 'X3', 'A', 'B', 'S1', 'S2', 'early', 'late', 'slow', 'V'],
  ...Array.from({ length: 30 }, (_, i) => `C${i}`),
]

const postings = (db: Database): Promise<Posting[]> =>
  db.query<Posting>(
    `SELECT lo::float8 AS lo, hi::float8 AS hi,
            array(SELECT c FROM unnest($1::text[]) c WHERE hashtextextended(c, 0) = ANY(record_keys) ORDER BY c)
              AS ids,
            record_keys = array(SELECT DISTINCT k FROM unnest(record_keys) k ORDER BY k) AS sorted
       FROM access_log_postings ORDER BY hi`,
    [CANDIDATES],
  )

/** A lookup's entry (a few ids) or an export page's (a run, found by its range), written as the API does. */
const write = (db: Database, recordIds: string[], requestId: string, ranged = false) =>
  new AccessLogBatcher(db).write({
    clientId: 'police',
    scope: 'read:person:all',
    entityType: 'person',
    recordIds,
    requestId,
    ranged,
  })

/** The entries' ids that the auditor's query finds, newest first, read in pages of `limit`. */
const readers = async (db: Database, recordId: string, limit = 1000): Promise<number[]> => {
  const filter: AccessFilter = { recordId }
  const found: number[] = []
  let beforeId: number | undefined
  for (;;) {
    const page = await listAccess(db, filter, { beforeId, limit })
    found.push(...page.map((r) => r.id))
    if (page.length < limit) return found
    beforeId = page[page.length - 1]!.id
  }
}

/** The same answer by scanning the log: what the index must agree with. */
const scanned = async (db: Database, recordId: string): Promise<number[]> =>
  (
    await db.query<{ id: number }>(
      'SELECT id::float8 AS id FROM access_log WHERE $1::text = ANY(record_ids) ORDER BY id DESC',
      [recordId],
    )
  ).map((r) => r.id)

/** Entries up to `top` that no row's slice holds: an entry the index would never find. */
const outside = async (db: Database, top: number): Promise<number> => {
  const [r] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM access_log a
      WHERE a.id <= $1 AND NOT EXISTS (SELECT 1 FROM access_log_postings p WHERE a.id BETWEEN p.lo AND p.hi)`,
    [top],
  )
  return r!.n
}

const clear = async (db: Database) => {
  await purgeAccessLog(db, 1, new Date('2100-01-01T00:00:00Z'))
  expect(await postings(db)).toEqual([])
}

forEachDatabase('access log index by person', (getDb, kind) => {
  beforeEach(async () => clear(getDb()))

  it('indexes each slice of entries as one row of keys of its distinct ids, sorted, runs left out', async () => {
    const db = getDb()
    await write(db, ['P3', 'P1', 'P2'], 'a')
    await write(db, ['P2', 'P9'], 'b')
    await write(db, ['X1', 'X2', 'X3'], 'page', true)
    const [{ top }] = (await db.query<{ top: number }>('SELECT max(id)::float8 AS top FROM access_log')) as [
      { top: number },
    ]
    const r = await indexAccessLog(db)
    expect(r).toEqual({ indexedTo: top, rows: expect.any(Number) })
    const rows = await postings(db)
    expect(rows.at(-1)!.hi).toBe(top)
    expect(await outside(db, top)).toBe(0)
    expect(rows.flatMap((p) => p.ids).sort()).toEqual(['P1', 'P2', 'P3', 'P9'])
    for (const p of rows) {
      expect(p.sorted).toBe(true)
      expect(p.hi - p.lo).toBeLessThan(ENTRIES_PER_ROW)
    }
    const [{ keys }] = (await db.query<{ keys: number }>(
      'SELECT sum(cardinality(record_keys))::int AS keys FROM access_log_postings',
    )) as [{ keys: number }]
    expect(keys).toBe(4) // P2, read twice, once
    // nothing new: a second pass writes nothing
    expect(await indexAccessLog(db)).toEqual({ indexedTo: top, rows: 0 })
    expect(await postings(db)).toEqual(rows)
  })

  it('answers as a scan of the log does, before, during and after indexing, page by page', async () => {
    const db = getDb()
    // 2,500 lookups of 3 persons each among 40 persons, so each is read in many slices, and runs between
    const person = (n: number) => `P${String(n % 40).padStart(2, '0')}`
    const writeSome = async (from: number, to: number) => {
      const log = new AccessLogBatcher(db)
      const all: Promise<void>[] = []
      for (let i = from; i < to; i++) {
        all.push(
          log.write({
            clientId: 'c',
            scope: 's',
            entityType: 'person',
            recordIds: [person(i), person(i * 7 + 3), person(i * 13 + 5)],
          }),
        )
        if (i % 500 === 0)
          all.push(
            log.write({
              clientId: 'c',
              scope: 'export',
              entityType: 'person',
              recordIds: ['P00', 'P01', 'P05'],
              ranged: true,
            }),
          )
      }
      await Promise.all(all)
    }
    const agree = async () => {
      for (const id of ['P00', 'P05', 'P17', 'P39', 'P40', 'Q']) {
        expect(await readers(db, id, 97)).toEqual(await scanned(db, id))
      }
    }
    await writeSome(0, 1200)
    await agree() // nothing indexed yet: all from the tail
    await indexAccessLog(db)
    await writeSome(1200, 2500)
    await agree() // a part indexed, the rest in the tail
    await indexAccessLog(db)
    await agree() // all indexed
    expect((await readers(db, 'P05')).length).toBeGreaterThan(100)
  })

  it('a key shared by two ids (a hash collision) brings no entry of the other id', async () => {
    const db = getDb()
    await write(db, ['B'], 'read B only')
    await indexAccessLog(db)
    // as if A's key were B's: a row holding A's key over the entry that read B
    await db.query(
      `INSERT INTO access_log_postings (lo, hi, record_keys)
       SELECT max(id), max(id), ARRAY[hashtextextended('A', 0)] FROM access_log
       ON CONFLICT (hi) DO UPDATE SET record_keys = access_log_postings.record_keys || excluded.record_keys`,
    )
    expect((await postings(db)).flatMap((p) => p.ids)).toEqual(['A', 'B'])
    expect(await listAccess(db, { recordId: 'A' }, { limit: 10 })).toEqual([])
    expect((await listAccess(db, { recordId: 'B' }, { limit: 10 })).map((e) => e.requestId)).toEqual([
      'read B only',
    ])
  })

  it('marks a stretch of ids without entries as indexed (ids of rolled-back inserts)', async () => {
    const db = getDb()
    await write(db, ['A'], 'before')
    await db.query(
      "SELECT setval(pg_get_serial_sequence('access_log', 'id'), (SELECT max(id) FROM access_log) + 250000)",
    )
    await write(db, ['A', 'B'], 'after')
    const r = await indexAccessLog(db)
    const rows = await postings(db)
    expect(rows.at(-1)!.hi).toBe(r!.indexedTo)
    expect(await outside(db, r!.indexedTo)).toBe(0)
    expect((await listAccess(db, { recordId: 'A' }, { limit: 10 })).map((e) => e.requestId)).toEqual([
      'after',
      'before',
    ])
    expect((await listAccess(db, { recordId: 'B' }, { limit: 10 })).map((e) => e.requestId)).toEqual([
      'after',
    ])
  })

  it("the purge drops the rows of the entries it deletes, and the index goes on from the log's end", async () => {
    const db = getDb()
    await write(db, ['A'], 'old')
    await indexAccessLog(db)
    expect((await postings(db)).length).toBeGreaterThan(0)
    await clear(db)
    await write(db, ['A'], 'new')
    expect((await listAccess(db, { recordId: 'A' }, { limit: 10 })).map((e) => e.requestId)).toEqual(['new'])
    await indexAccessLog(db)
    expect((await postings(db)).flatMap((p) => p.ids)).toEqual(['A'])
    expect((await listAccess(db, { recordId: 'A' }, { limit: 10 })).map((e) => e.requestId)).toEqual(['new'])
  })

  it('runs on its schedule until stopped', async () => {
    const db = getDb()
    const errors: unknown[] = []
    const job = scheduleAccessLogIndexing(db, {
      everyMs: 20,
      log: { info: () => {}, error: (e) => errors.push(e) },
    })
    await write(db, ['S1'], 'scheduled')
    await expect
      .poll(async () => (await postings(db)).flatMap((p) => p.ids), { timeout: 5000 })
      .toEqual(['S1'])
    await job.stop()
    await write(db, ['S2'], 'after stop')
    await new Promise((r) => setTimeout(r, 100))
    expect((await postings(db)).flatMap((p) => p.ids)).toEqual(['S1'])
    expect(errors).toEqual([])
  })

  if (kind === 'postgres') {
    it('waits for an insert in flight instead of indexing past it', async () => {
      const db = getDb()
      await write(db, ['early'], 'early')
      let result: unknown = 'not run'
      // an entry whose id is taken but not committed, while a later one commits
      await db.transaction(async (tx) => {
        await tx.query(
          "INSERT INTO access_log (client_id, scope, entity_type, record_ids, request_id) VALUES ('c', 's', 'person', ARRAY['slow'], 'slow')",
        )
        await write(db, ['late'], 'late')
        result = await indexAccessLog(db) // its lock waits for the open insert, then gives up
      })
      expect(result).toBeNull()
      expect(await postings(db)).toEqual([])
      await indexAccessLog(db)
      expect((await postings(db)).flatMap((p) => p.ids).sort()).toEqual(['early', 'late', 'slow'])
      for (const id of ['early', 'late', 'slow'])
        expect((await listAccess(db, { recordId: id }, { limit: 10 })).map((e) => e.requestId)).toEqual([id])
    })

    it('waits while a vacuum of the log runs, instead of queueing its lock (and every insert) behind it', async () => {
      const db = getDb()
      await write(db, ['V'], 'before vacuum')
      let result: unknown = 'not run'
      let queued = false
      await db.transaction(async (tx) => {
        await tx.query('LOCK TABLE access_log IN SHARE UPDATE EXCLUSIVE MODE') // what VACUUM and ANALYZE hold
        // watch for the pass's lock request waiting behind it: every insert would queue behind that
        let done = false
        const pass = indexAccessLog(db).then((r) => {
          done = true
          return r
        })
        while (!done) {
          const [w] = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks
              WHERE relation = 'access_log'::regclass AND mode = 'ShareLock' AND NOT granted`,
          )
          if (w!.n > 0) queued = true
        }
        result = await pass
      })
      expect(queued).toBe(false)
      expect(result).toBeNull()
      expect(await postings(db)).toEqual([])
      await indexAccessLog(db)
      expect((await listAccess(db, { recordId: 'V' }, { limit: 10 })).map((e) => e.requestId)).toEqual([
        'before vacuum',
      ])
    })

    it('lets one indexer work at a time, the slices never overlapping', async () => {
      const db = getDb()
      for (let i = 0; i < 30; i++) await write(db, [`C${i}`], `c${i}`)
      const results = await Promise.all([indexAccessLog(db), indexAccessLog(db), indexAccessLog(db)])
      expect(results.some((r) => r !== null)).toBe(true)
      await indexAccessLog(db)
      const rows = await postings(db)
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.lo).toBeGreaterThan(rows[i - 1]!.hi)
      expect(await outside(db, rows.at(-1)!.hi)).toBe(0)
      expect(rows.flatMap((p) => p.ids).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `C${i}`).sort())
    })
  }
})
