import { describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/index.ts'
import { AccessLogBatcher } from '../../src/api/repositories/access-log-batcher.ts'

/**
 * A database that records each INSERT and answers it after a tick, like a round trip. The batcher sends
 * one prepared statement whose parameters are columns: `params[c][row]`.
 */
const fakeDb = (fail = false) => {
  const inserts: { sql: string; params: unknown[][] }[] = []
  const record = async (sql: string, params: unknown[] = []) => {
    await new Promise((r) => setTimeout(r, 5))
    inserts.push({ sql, params: params as unknown[][] })
    if (fail) throw new Error('disk full')
    return []
  }
  const db = { query: record, queryPrepared: record } as unknown as Database
  return { db, inserts }
}

/** The rows of a recorded INSERT, one array per entry. */
const rowsOf = (insert: { params: unknown[][] }): unknown[][] =>
  insert.params[0]!.map((_, r) => insert.params.map((column) => column[r]))

const entry = (i: number) => ({
  clientId: 'police',
  scope: 'read:person:all',
  entityType: 'person',
  recordIds: [`P${i}`],
  reason: 'GET /v1/persons',
  purpose: i % 2 ? '走访' : null,
  requestId: `req-${i}`,
})

describe('AccessLogBatcher', () => {
  it('writes a lone entry at once', async () => {
    const { db, inserts } = fakeDb()
    await new AccessLogBatcher(db).write(entry(1))
    expect(inserts).toHaveLength(1)
    expect(rowsOf(inserts[0]!)).toEqual([
      ['police', 'read:person:all', 'person', '["P1"]', 'GET /v1/persons', '走访', 'req-1', null, null],
    ])
  })

  it('gathers the entries of concurrent reads into few INSERTs, each settled only once written', async () => {
    const { db, inserts } = fakeDb()
    const b = new AccessLogBatcher(db)
    const settled: number[] = []
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        b.write(entry(i)).then(() => {
          // every entry is in an INSERT that already returned when its promise settles
          expect(inserts.flatMap((x) => x.params[6]).includes(`req-${i}`)).toBe(true)
          settled.push(i)
        }),
      ),
    )
    expect(settled).toHaveLength(100)
    expect(inserts.length).toBeLessThanOrEqual(2)
    // in the order they were written: the log's ids follow the reads
    expect(inserts.flatMap((x) => x.params[6])).toEqual(Array.from({ length: 100 }, (_, i) => `req-${i}`))
    // one statement text whatever the batch's size, so the database plans it once
    expect(new Set(inserts.map((x) => x.sql)).size).toBe(1)
  })

  it('rejects every waiting read when the write fails, and writes again afterwards', async () => {
    const failing = fakeDb(true)
    const b = new AccessLogBatcher(failing.db)
    const results = await Promise.allSettled([b.write(entry(1)), b.write(entry(2))])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    await expect(b.write(entry(3))).rejects.toThrow('disk full')
  })

  it('bounds a ranged entry by its lowest and highest id, and leaves others without a range', async () => {
    const { db, inserts } = fakeDb()
    const b = new AccessLogBatcher(db)
    await Promise.all([
      b.write({ ...entry(1), recordIds: ['P03', 'P01', 'P02'], ranged: true }),
      b.write({ ...entry(2), recordIds: ['P09', 'P07'] }),
    ])
    const rows = inserts.flatMap(rowsOf)
    expect(rows.map((r) => [r[3], r[7], r[8]])).toEqual([
      ['["P03","P01","P02"]', 'P01', 'P03'],
      ['["P09","P07"]', null, null],
    ])
  })

  it('keeps long digit runs (ids, phones) out of the free text', async () => {
    const { db, inserts } = fakeDb()
    await new AccessLogBatcher(db).write({ ...entry(1), purpose: '核实 13812345678 的住址' })
    expect(JSON.stringify(inserts)).not.toContain('13812345678')
  })
})
