import { expect, it } from 'vitest'
import { cursorPages } from '../../src/db/cursor.ts'
import { forEachDatabase } from '../support/databases.ts'

forEachDatabase('cursorPages', (getDb) => {
  const series = 'select g as n from generate_series(1, $1::int) g order by g'

  it('gives every row once, in order, a page at a time', async () => {
    const sizes: number[] = []
    const seen: number[] = []
    for await (const page of cursorPages<{ n: number }>(getDb(), series, [2500], 1000)) {
      sizes.push(page.length)
      seen.push(...page.map((r) => r.n))
    }
    expect(sizes).toEqual([1000, 1000, 500])
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1))
  })

  it('a query with no rows gives no page', async () => {
    const pages = []
    for await (const page of cursorPages(getDb(), series, [0], 10)) pages.push(page)
    expect(pages).toEqual([])
  })

  it('stopping early ends the transaction: the database answers again at once', async () => {
    for await (const page of cursorPages<{ n: number }>(getDb(), series, [100_000], 100)) {
      expect(page[0]!.n).toBe(1)
      break
    }
    expect(await getDb().query('select 1 as one')).toEqual([{ one: 1 }])
  })

  it('an error in the query reaches the consumer', async () => {
    const read = async () => {
      for await (const _ of cursorPages(getDb(), 'select 1 / (g - 3) from generate_series(1, 5) g', [], 1)) {
        // division by zero on the third row
      }
    }
    await expect(read()).rejects.toThrow(/division by zero/)
    expect(await getDb().query('select 1 as one')).toEqual([{ one: 1 }])
  })
})
