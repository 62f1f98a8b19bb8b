import { expect, it } from 'vitest'
import { AccessLogBatcher } from '../../src/api/repositories/access-log-batcher.ts'
import { forEachDatabase } from '../support/databases.ts'

forEachDatabase('access log batcher on a real database', (getDb) => {
  it('writes each entry as one row, in order, its ids and range as given', async () => {
    const db = getDb()
    const b = new AccessLogBatcher(db)
    const odd = ['P"quote', 'P\\back', 'P,comma', 'P{brace}', 'P 空格', 'P😀']
    await Promise.all([
      b.write({
        clientId: 'c1',
        scope: 's',
        entityType: 'person',
        recordIds: ['P02', 'P01'],
        requestId: 'r1',
      }),
      b.write({ clientId: 'c2', scope: 's', entityType: 'person', recordIds: odd, requestId: 'r2' }),
      b.write({
        clientId: 'c3',
        scope: 's',
        entityType: 'person',
        recordIds: ['P05', 'P03', 'P04'],
        requestId: 'r3',
        ranged: true,
        purpose: '走访',
      }),
      b.write({ clientId: 'c4', scope: 's', entityType: 'refused_rows', recordIds: [], requestId: 'r4' }),
    ])
    const rows = await db.query<{
      client_id: string
      record_ids: string[]
      purpose: string | null
      range: string | null
    }>(
      `SELECT client_id, record_ids, purpose, record_range::text AS range FROM access_log
        WHERE request_id = any($1::text[]) ORDER BY id`,
      [['r1', 'r2', 'r3', 'r4']],
    )
    expect(rows).toEqual([
      { client_id: 'c1', record_ids: ['P02', 'P01'], purpose: null, range: null },
      { client_id: 'c2', record_ids: odd, purpose: null, range: null },
      { client_id: 'c3', record_ids: ['P05', 'P03', 'P04'], purpose: '走访', range: '[P03,P05]' },
      { client_id: 'c4', record_ids: [], purpose: null, range: null },
    ])
  })
})
