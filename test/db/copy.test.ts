import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { arrayLiteral, escapeCopy, JsonText, rowEncoder } from '../../src/db/copy-text.ts'
import { schema } from '../../src/db/index.ts'
import { forEachDatabase } from '../support/databases.ts'

describe('COPY text encoding', () => {
  it('escapes backslash, tab, newline and carriage return only', () => {
    expect(escapeCopy('a\\b\tc\nd\re"f,g')).toBe('a\\\\b\\tc\\nd\\re"f,g')
    expect(escapeCopy('王伟')).toBe('王伟')
  })
  it('quotes every array element and keeps NULL bare', () => {
    expect(arrayLiteral(['a,b', 'say "hi"', null, 'back\\slash', '', 'NULL'])).toBe(
      '{"a,b","say \\"hi\\"",NULL,"back\\\\slash","","NULL"}',
    )
    expect(arrayLiteral([])).toBe('{}')
  })
  it('doubles the backslashes of JSON text, the only COPY special JSON.stringify leaves in it', () => {
    const encode = rowEncoder(['json', 'json'], 't')
    const value = { note: 'tab\there\nline "quoted" back\\slash' }
    const line = encode([value, new JsonText(JSON.stringify(['a\\b']))], 0)
    expect(line).toBe(`${JSON.stringify(value).replace(/\\/g, '\\\\')}\t["a\\\\\\\\b"]\n`)
    expect(line.split('\t')).toHaveLength(2) // no raw tab: the value's tab is JSON's \t
  })
  it('encodes only the columns between from and to when asked, with or without the line end', () => {
    const row = [7, 'a\tb', null, 3]
    expect(rowEncoder(['scalar', 'scalar', 'scalar', 'scalar'], 't')(row, 0)).toBe('7\ta\\tb\t\\N\t3\n')
    expect(rowEncoder(['scalar', 'scalar', 'scalar', 'scalar'], 't', { from: 1 })(row, 0)).toBe(
      'a\\tb\t\\N\t3\n',
    )
    const middle = rowEncoder(['scalar', 'scalar', 'scalar', 'scalar'], 't', {
      from: 1,
      to: 3,
      newline: false,
    })
    expect(middle(row, 0)).toBe('a\\tb\t\\N')
    expect(() => middle([1, 2], 5)).toThrow(/row 5 has 2 values, expected 4/)
  })
})

const NASTY = [
  'tab\there',
  'line\nbreak',
  'carriage\r\nreturn',
  'back\\slash \\N \\t',
  'quote "double" \'single\'',
  '',
  ' leading and trailing ',
  '\\N',
  'NULL',
  '😀 emoji 👨‍👩‍👧',
  '中文 王伟 欧阳靖·买买提',
  '{braces},[brackets]',
]
const NASTY_ARRAYS: (string | null)[][] = [
  [],
  ['a,b', 'c'],
  ['say "hi"', 'back\\slash', '{x}'],
  [null, '', 'NULL'],
  ['tab\t', 'nl\n', '中文', '😀'],
]
const NASTY_JSON = [
  { name: '王伟', note: 'tab\tnl\n"q"\\', emoji: '😀', nested: { list: [1, null, 'x'] } },
  ['array', 'at', 'top'],
  'a bare JSON string',
  42,
  { escaped: '\u00e9\u4e2d', empty: '' },
]

const COLS = ['id', 'source', 'record_id', 'role', 'name', 'id_valid', 'phones', 'data', 'raw']
type Back = {
  id: number
  name: string | null
  valid: boolean | null
  phones: string[] | null
  data: unknown
  raw: unknown
}
// A table of every kind of column the ingest writes: text, boolean, text[], jsonb and json.
const NASTY_TABLE = `CREATE TEMP TABLE nasty (id int, source text, record_id text, role text, name text,
  id_valid boolean, phones text[] NOT NULL, data jsonb, raw json) ON COMMIT DROP`

forEachDatabase('copyInto', (getDb, kind) => {
  it('round-trips nasty text, arrays and jsonb exactly', async () => {
    const db = getDb()
    const rows: unknown[][] = []
    for (let i = 0; i < NASTY.length; i++) {
      rows.push([
        i,
        'nasty',
        `r${i}`,
        'person',
        NASTY[i],
        i % 3 === 0 ? null : i % 2 === 0,
        NASTY_ARRAYS[i % NASTY_ARRAYS.length],
        NASTY_JSON[i % NASTY_JSON.length],
        NASTY_JSON[(i + 1) % NASTY_JSON.length],
      ])
    }
    // phones is NOT NULL (an empty array, not NULL, means no phone): the all-null row passes [].
    rows.push([999, 'nasty', 'null-row', 'person', null, null, [], null, null])
    const back = await db.transaction(async (tx) => {
      await tx.exec(NASTY_TABLE)
      expect(await db.copyInto(tx, 'nasty', COLS, rows)).toBe(rows.length)
      return tx.query<Back>('select id, name, id_valid as valid, phones, data, raw from nasty order by id')
    })
    expect(back).toHaveLength(rows.length)
    for (const [i, row] of rows.entries()) {
      expect(back[i]).toEqual({
        id: row[0],
        name: row[4],
        valid: row[5],
        phones: row[6],
        data: row[7],
        raw: row[8],
      })
    }
  })

  it('keeps NULL and the empty string apart', async () => {
    const db = getDb()
    await db.transaction((tx) =>
      db.copyInto(
        tx,
        'source_houses',
        ['source_record_id', 'source', 'record_id', 'role', 'address_raw', 'road'],
        [
          [1, 'nulls', 'a', 'house', '', null],
          [2, 'nulls', 'b', 'house', null, ''],
        ],
      ),
    )
    const back = await db.query<{ a: string | null; r: string | null; ai: boolean; ri: boolean }>(
      "select address_raw as a, road as r, address_raw is null as ai, road is null as ri from source_houses where source = 'nulls' order by source_record_id",
    )
    expect(back).toEqual([
      { a: '', r: null, ai: false, ri: true },
      { a: null, r: '', ai: true, ri: false },
    ])
  })

  it('writes numbers, booleans and doubles, from an async source, across chunks', async () => {
    const db = getDb()
    const total = 45_000 // more than two PGlite chunks of 20k
    async function* source() {
      for (let i = 0; i < total; i++)
        yield [i, 'many', `m${i}`, 'house', i * 0.5 - 7.25, i % 2 === 0 ? 32.123456789 : null]
    }
    const cols = ['source_record_id', 'source', 'record_id', 'role', 'lng', 'lat']
    const n = await db.transaction((tx) => db.copyInto(tx, 'source_houses', cols, source()))
    expect(n).toBe(total)
    const [agg] = await db.query<{ n: number; s: number; lat: number }>(
      "select count(*) as n, sum(lng) as s, max(lat) as lat from source_houses where source = 'many'",
    )
    expect(agg).toEqual({ n: total, s: (total * (total - 1)) / 4 - 7.25 * total, lat: 32.123456789 })
  })

  it('leaves nothing behind when the transaction throws after a COPY', async () => {
    const db = getDb()
    await expect(
      db.transaction(async (tx) => {
        await db.copyInto(
          tx,
          'source_persons',
          ['source_record_id', 'source', 'record_id', 'role'],
          [[1, 'gone', 'x', 'person']],
        )
        await tx.db.insert(schema.batches).values({ id: 'B-gone', source: 'gone', status: 'committed' })
        throw new Error('abort on purpose')
      }),
    ).rejects.toThrow('abort on purpose')
    expect(await db.query("select 1 from source_persons where source = 'gone'")).toHaveLength(0)
    expect(await db.db.select().from(schema.batches).where(eq(schema.batches.id, 'B-gone'))).toHaveLength(0)
  })

  it('rolls back when the server rejects a row, and stays usable', async () => {
    const db = getDb()
    const bad = [
      ['1', 'bad', 'ok', 'person'],
      ['not a number', 'bad', 'broken', 'person'],
    ]
    await expect(
      db.transaction((tx) =>
        db.copyInto(tx, 'source_persons', ['source_record_id', 'source', 'record_id', 'role'], bad),
      ),
    ).rejects.toThrow(/bigint|invalid input/i)
    expect(await db.query("select 1 from source_persons where source = 'bad'")).toHaveLength(0)
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }])
  })

  it('stops cleanly when the row source itself fails midway', async () => {
    const db = getDb()
    async function* failing() {
      for (let i = 0; i < 30_000; i++) yield [i, 'midway', `f${i}`, 'person']
      throw new Error('source broke')
    }
    await expect(
      db.transaction((tx) =>
        db.copyInto(tx, 'source_persons', ['source_record_id', 'source', 'record_id', 'role'], failing()),
      ),
    ).rejects.toThrow('source broke')
    expect(await db.query("select 1 from source_persons where source = 'midway'")).toHaveLength(0)
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }])
  })

  it('refuses unknown columns and short rows before sending data', async () => {
    const db = getDb()
    await expect(
      db.transaction((tx) => db.copyInto(tx, 'source_persons', ['source', 'no_such_column'], [['a', 'b']])),
    ).rejects.toThrow(/no column no_such_column/)
    await expect(
      db.transaction((tx) => db.copyInto(tx, 'source_persons', ['source', 'record_id'], [['only one']])),
    ).rejects.toThrow(/row 0 has 1 values, expected 2/)
  })

  it('nests drizzle savepoints inside a transaction', async () => {
    const db = getDb()
    await db.transaction(async (tx) => {
      await tx.db.insert(schema.batches).values({ id: `B-outer-${kind}`, source: 's', status: 'committed' })
      await tx.db
        .transaction(async (inner) => {
          await inner.insert(schema.batches).values({ id: `B-inner-${kind}`, source: 's', status: 'refused' })
          throw new Error('inner only')
        })
        .catch(() => {})
    })
    const ids = (await db.db.select({ id: schema.batches.id }).from(schema.batches)).map((r) => r.id)
    expect(ids).toContain(`B-outer-${kind}`)
    expect(ids).not.toContain(`B-inner-${kind}`)
  })
})
