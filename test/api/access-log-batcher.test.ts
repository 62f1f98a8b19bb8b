import { describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/index.ts'
import { AccessLogBatcher } from '../../src/api/repositories/access-log-batcher.ts'

/** A database that records each INSERT and answers it after a tick, like a round trip. */
const fakeDb = (fail = false) => {
  const inserts: { sql: string; params: unknown[] }[] = []
  const db = {
    query: async (sql: string, params: unknown[] = []) => {
      await new Promise((r) => setTimeout(r, 5))
      inserts.push({ sql, params })
      if (fail) throw new Error('disk full')
      return []
    },
  } as unknown as Database
  return { db, inserts }
}

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
    expect(inserts[0]!.params).toEqual([
      'police',
      'read:person:all',
      'person',
      ['P1'],
      'GET /v1/persons',
      '走访',
      'req-1',
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
          expect(inserts.flatMap((x) => x.params).includes(`req-${i}`)).toBe(true)
          settled.push(i)
        }),
      ),
    )
    expect(settled).toHaveLength(100)
    expect(inserts.length).toBeLessThanOrEqual(2)
    expect(
      inserts.flatMap((x) => x.params.filter((p) => typeof p === 'string' && p.startsWith('req-'))),
    ).toHaveLength(100)
  })

  it('rejects every waiting read when the write fails, and writes again afterwards', async () => {
    const failing = fakeDb(true)
    const b = new AccessLogBatcher(failing.db)
    const results = await Promise.allSettled([b.write(entry(1)), b.write(entry(2))])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    await expect(b.write(entry(3))).rejects.toThrow('disk full')
  })

  it('keeps long digit runs (ids, phones) out of the free text', async () => {
    const { db, inserts } = fakeDb()
    await new AccessLogBatcher(db).write({ ...entry(1), purpose: '核实 13812345678 的住址' })
    expect(JSON.stringify(inserts)).not.toContain('13812345678')
  })
})
