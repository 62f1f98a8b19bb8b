import { expect, it } from 'vitest'
import { replaceChanged } from '../../src/db/bulk.ts'
import { forEachDatabase } from '../support/databases.ts'

const COLUMNS = ['id', 'name', 'phones', 'grid_code', 'provenance']
const at = (sourceRecordId: number) => ({ sourceRecordId, source: 'grid.visit', rule: 'recent' })

forEachDatabase('replaceChanged', (getDb) => {
  it('deletes and inserts only the rows that differ, within its scope', async () => {
    const db = getDb()
    await db.transaction((tx) =>
      db.copyInto(tx, 'persons', COLUMNS, [
        ['PA', null, ['13900000001'], 'G1', { name: at(1), phones: at(2) }],
        ['PB', '王伟', ['13900000002'], 'G1', { name: at(3) }],
        ['PC', '李娜', [], null, {}],
        ['PD', '张敏', [], null, {}],
        ['PF', null, [], null, {}],
      ]),
    )
    const versions = async () =>
      new Map(
        (await db.query<{ id: string; v: string }>(`select id, xmin::text as v from persons`)).map((r) => [
          r.id,
          r.v,
        ]),
      )
    const before = await versions()
    const n = await db.transaction((tx) =>
      replaceChanged(
        db,
        tx,
        {
          table: 'persons',
          columns: COLUMNS,
          key: ['id'],
          scope: `s.id = any($1::text[])`,
          params: [['PA', 'PB', 'PC', 'PE', 'PF']],
        },
        [
          // the same values (NULL name alike, JSON keys in another order): left as it is
          ['PA', null, ['13900000001'], 'G1', { phones: at(2), name: at(1) }],
          ['PB', '王伟', ['13900000002', '13900000003'], 'G1', { name: at(3) }], // a phone more
          ['PE', '赵磊', [], 'G2', {}], // new
          ['PF', '', [], null, {}], // an empty name is not NULL
        ],
      ),
    )
    // PC is in scope with no new row: deleted; PD is out of scope: kept though no row names it
    expect(n).toEqual({ deleted: 3, inserted: 3 })
    const after = await versions()
    expect([...after.keys()].sort()).toEqual(['PA', 'PB', 'PD', 'PE', 'PF'])
    expect(after.get('PA')).toBe(before.get('PA'))
    expect(after.get('PD')).toBe(before.get('PD'))
    expect(after.get('PB')).not.toBe(before.get('PB'))
    const rows = await db.query<{ id: string; name: string | null; phones: string[] }>(
      `select id, name, phones from persons where id in ('PB', 'PF') order by id`,
    )
    expect(rows).toEqual([
      { id: 'PB', name: '王伟', phones: ['13900000002', '13900000003'] },
      { id: 'PF', name: '', phones: [] },
    ])
  })

  it('compares rows without a key of their own by every column, twice in one transaction', async () => {
    const db = getDb()
    const cols = ['person_id', 'house_id', 'relation', 'source_record_id']
    await db.transaction((tx) =>
      db.copyInto(tx, 'person_houses', cols, [
        ['PA', 'H1', 'resident', 10],
        ['PA', 'H2', 'owner', 10],
        ['PB', 'H1', 'resident', 11],
      ]),
    )
    const ids = async () =>
      (await db.query<{ id: number }>(`select id from person_houses order by id`)).map((r) => r.id)
    const [first, second, third] = await ids()
    const spec = {
      table: 'person_houses',
      columns: cols,
      key: ['source_record_id'],
      scope: `s.source_record_id = any($1::bigint[])`,
    }
    const n = await db.transaction(async (tx) => {
      const a = await replaceChanged(db, tx, { ...spec, params: [['10']] }, [
        ['PA', 'H1', 'resident', 10],
        ['PA', 'H3', 'owner', 10],
      ])
      // the work table is emptied between two calls for one table
      const b = await replaceChanged(db, tx, { ...spec, params: [['11']] }, [['PB', 'H1', 'resident', 11]])
      return [a, b]
    })
    expect(n).toEqual([
      { deleted: 1, inserted: 1 },
      { deleted: 0, inserted: 0 },
    ])
    const now = await ids()
    expect(now).toContain(first)
    expect(now).toContain(third)
    expect(now).not.toContain(second)
    expect(
      (await db.query<{ h: string }>(`select house_id as h from person_houses where relation = 'owner'`)).map(
        (r) => r.h,
      ),
    ).toEqual(['H3'])
  })
})
