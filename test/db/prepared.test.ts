import { expect, it } from 'vitest'
import { forEachDatabase } from '../support/databases.ts'

forEachDatabase('queryPrepared', (getDb) => {
  const byValue = 'select g as n, $1::text as tag from generate_series(1, $2::int) g order by g'

  it('answers as query() does, with new values each time', async () => {
    const db = getDb()
    for (const [tag, n] of [
      ['a', 3],
      ['b', 1],
      ['c', 0],
    ] as const) {
      expect(await db.queryPrepared(byValue, [tag, n])).toEqual(await db.query(byValue, [tag, n]))
    }
  })

  it('keeps two statements apart, and a failing one does not break the next', async () => {
    const db = getDb()
    await expect(db.queryPrepared('select 1 / $1::int as x', [0])).rejects.toThrow(/division by zero/)
    expect(await db.queryPrepared('select 1 / $1::int as x', [1])).toEqual([{ x: 1 }])
    expect(await db.queryPrepared('select 2 / $1::int as y', [1])).toEqual([{ y: 2 }])
  })

  it('on PostgreSQL the statement stays prepared on the connection that ran it', async () => {
    const db = getDb()
    if (db.kind !== 'postgres') return
    // a pool of ten: run it often enough that the connection asking below has prepared it too
    for (let i = 0; i < 40; i++) await db.queryPrepared(byValue, ['p', 1])
    const rows = await db.queryPrepared<{ n: number }>(
      `select count(*)::int as n from pg_prepared_statements where statement = $1`,
      [byValue],
    )
    expect(rows[0]!.n).toBe(1)
  })
})
