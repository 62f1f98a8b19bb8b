import type { Database, Row } from './types.ts'

/**
 * The rows of one query, a page at a time, from a server-side cursor: one plan for the whole answer (hash
 * joins over a million rows, not a million index probes) while only a page is ever held in memory. The
 * server fetches one page ahead of the consumer and no further, so a slow reader holds the cursor back
 * instead of filling memory. The cursor lives in a transaction, on a connection of its own: on the
 * embedded database, which has one connection, every other query waits until the last page is taken —
 * so there the consumer must not query the database between pages.
 *
 * Stopping early (break, an error in the consumer) closes the cursor and ends the transaction.
 */
export async function* cursorPages<T = Row>(
  db: Database,
  sql: string,
  params: unknown[],
  pageSize: number,
): AsyncGenerator<T[]> {
  // producer (inside the transaction) and consumer (this generator) hand pages over one at a time
  let settlePage!: (rows: T[] | null) => void
  let page = new Promise<T[] | null>((r) => (settlePage = r))
  let askMore: ((more: boolean) => void) | null = null
  let failure: { error: unknown } | null = null

  const offer = (rows: T[]): Promise<boolean> => {
    const more = new Promise<boolean>((r) => (askMore = r))
    const settle = settlePage
    page = new Promise((r) => (settlePage = r))
    settle(rows)
    return more
  }

  const producer = db
    .transaction(async (tx) => {
      // a cursor is planned for its first rows unless told it will be read to the end
      await tx.query('set local cursor_tuple_fraction = 1')
      await tx.query(`declare sanshi_pages no scroll cursor for ${sql}`, params)
      const size = Math.max(1, Math.floor(pageSize))
      const fetch = () => tx.query<T>(`fetch forward ${size} from sanshi_pages`)
      // one page ahead: the server reads the next page while the consumer works on this one
      let rows = await fetch()
      while (rows.length > 0) {
        const more = offer(rows)
        const next = rows.length < size ? [] : await fetch()
        if (!(await more)) break
        rows = next
      }
      await tx.query('close sanshi_pages')
    })
    .then(
      () => settlePage(null),
      (error: unknown) => {
        failure = { error }
        settlePage(null)
      },
    )

  try {
    for (;;) {
      const rows = await page
      if (rows === null) break
      yield rows
      ;(askMore as ((more: boolean) => void) | null)?.(true)
    }
  } finally {
    ;(askMore as ((more: boolean) => void) | null)?.(false)
    await producer
  }
  if (failure) throw (failure as { error: unknown }).error
}
