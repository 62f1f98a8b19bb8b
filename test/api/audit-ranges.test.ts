/**
 * Entries of runs of ids (an export's pages) are kept out of the index by person and found by their range
 * (migration 0009): the auditor's "who read this record" must find exactly the entries whose record_ids
 * hold the id, on both databases, whichever kind of entry it is.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { AccessLogBatcher, idBounds } from '../../src/api/repositories/access-log-batcher.ts'
import { listAccess } from '../../src/api/repositories/access-log-repository.ts'
import { forEachDatabase } from '../support/databases.ts'

const entry = (recordIds: string[], ranged: boolean, requestId: string) => ({
  clientId: 'police',
  scope: 'export',
  entityType: 'person',
  recordIds,
  reason: 'GET /v1/exports/persons',
  ranged,
  requestId,
})

const run = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `P${String(from + i).padStart(4, '0')}`)

describe('idBounds', () => {
  it('orders by code point, as the range type does (UTF-8 bytes), not by UTF-16 units', () => {
    expect(idBounds(['b', 'a', 'c'])).toEqual(['a', 'c'])
    // U+FF61 is one UTF-16 unit above the surrogates, yet below U+1F600 in code points and bytes
    expect(idBounds(['\uFF61', '\u{1F600}', 'z'])).toEqual(['z', '\u{1F600}'])
    expect(idBounds(['P1', 'P10', 'P'])).toEqual(['P', 'P10'])
  })
})

forEachDatabase('access log ranges', (getDb) => {
  beforeAll(async () => {
    const log = new AccessLogBatcher(getDb())
    // pages of an export: P0000–P0999 and P1000–P1999, with P0500 left out (outside the scope)
    await log.write(
      entry(
        run(0, 1000).filter((id) => id !== 'P0500'),
        true,
        'page-1',
      ),
    )
    await log.write(entry(run(1000, 2000), true, 'page-2'))
    // a lookup of a few, indexed id by id
    await log.write(entry(['P0500', 'P1500', 'Q1'], false, 'lookup'))
    // the same in one INSERT: the batcher gathers concurrent entries
    await Promise.all([
      log.write(entry(run(2000, 2100), true, 'page-3')),
      log.write(entry(['P2050'], false, 'lookup-2')),
    ])
  })

  const readers = async (recordId: string) =>
    (await listAccess(getDb(), { recordId }, { limit: 50 })).map((r) => r.requestId).sort()

  it('stores a ranged entry with its bounds and every id; the others with none', async () => {
    const rows = await getDb().query<{ request_id: string; r: string | null; n: number }>(
      `select request_id, record_range::text as r, cardinality(record_ids) as n from access_log order by id`,
    )
    expect(rows).toEqual([
      { request_id: 'page-1', r: '[P0000,P0999]', n: 999 },
      { request_id: 'page-2', r: '[P1000,P1999]', n: 1000 },
      { request_id: 'lookup', r: null, n: 3 },
      { request_id: 'page-3', r: '[P2000,P2099]', n: 100 },
      { request_id: 'lookup-2', r: null, n: 1 },
    ])
  })

  it('finds exactly the entries holding an id, ranged or not', async () => {
    expect(await readers('P0000')).toEqual(['page-1'])
    expect(await readers('P0999')).toEqual(['page-1'])
    expect(await readers('P1000')).toEqual(['page-2'])
    // in page-1's range but not in its ids: only the lookup read it
    expect(await readers('P0500')).toEqual(['lookup'])
    expect(await readers('P1500')).toEqual(['lookup', 'page-2'])
    expect(await readers('P2050')).toEqual(['lookup-2', 'page-3'])
    expect(await readers('Q1')).toEqual(['lookup'])
    expect(await readers('P0500x')).toEqual([])
    expect(await readers('P9999')).toEqual([])
  })
})
