import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  arrayItems,
  copyTextPages,
  inlineParams,
  splitCopyText,
  sqlLiteral,
  unescapeField,
} from '../../src/db/copy-out.ts'
import { openTestDatabase, type TestDatabase, unavailable } from '../support/databases.ts'

/** The fields of every row of COPY text, NULL as null. */
const fieldsOf = (text: string | Buffer, fields: number, rows: number): (string | null)[][] => {
  const page = splitCopyText(Buffer.from(text), fields, rows)
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: fields }, (_, k) => {
      const f = r * fields + k
      return page.starts[f]! < 0 ? null : page.bytes.toString('utf8', page.starts[f], page.ends[f])
    }),
  )
}

const itemsOf = (text: string): (string | null)[] => {
  const b = Buffer.from(text)
  const out: (string | null)[] = []
  arrayItems(b, 0, b.length, (s, e) => out.push(s < 0 ? null : b.toString('utf8', s, e)))
  return out
}

async function* chunked(text: string, size: number) {
  const b = Buffer.from(text)
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size)
}

describe('COPY text', () => {
  it('splits rows into fields, \\N as NULL, escapes undone', () => {
    expect(fieldsOf('a\t\\N\t\n\\\\N\tx\\ty\tline\\none\n', 3, 2)).toEqual([
      ['a', null, ''],
      ['\\N', 'x\ty', 'line\none'],
    ])
  })

  it('undoes every escape PostgreSQL documents', () => {
    const cases: [string, string][] = [
      ['\\b\\f\\n\\r\\t\\v\\\\', '\b\f\n\r\t\v\\'],
      ['\\101\\1010\\7', 'AA0\x07'],
      ['\\x41\\x4a\\x4Ag\\xz', 'AJJgxz'],
      ['\\q\\"', 'q"'],
      ['张\\t三', '张\t三'],
    ]
    for (const [escaped, plain] of cases) {
      const b = Buffer.from(escaped)
      expect(b.toString('latin1', 0, unescapeField(b, 0, b.length)), escaped).toBe(
        Buffer.from(plain).toString('latin1'),
      )
    }
    const lone = Buffer.from('ab\\')
    expect(() => unescapeField(lone, 0, lone.length)).toThrow(/lone backslash/)
  })

  it('refuses a row with the wrong number of fields or cut short', () => {
    expect(() => fieldsOf('a\tb\n', 3, 1)).toThrow(/3 fields/)
    expect(() => fieldsOf('a\tb\tc\td\n', 3, 1)).toThrow(/3 fields/)
    expect(() => fieldsOf('a\tb\tc', 3, 1)).toThrow(/cut short/)
  })

  it('gives pages of whole rows however the text is cut', async () => {
    const rows = Array.from({ length: 23 }, (_, i) => `r${i}\t名${i}\\n\n`).join('')
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const pages: (string | null)[][][] = []
      for await (const page of copyTextPages(chunked(rows, size), 2, 5))
        pages.push(
          Array.from({ length: page.rows }, (_, r) => [
            page.bytes.toString('utf8', page.starts[r * 2], page.ends[r * 2]),
            page.bytes.toString('utf8', page.starts[r * 2 + 1], page.ends[r * 2 + 1]),
          ]),
        )
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3])
      expect(pages.flat()).toEqual(Array.from({ length: 23 }, (_, i) => [`r${i}`, `名${i}\n`]))
    }
  })

  it('refuses text that ends mid-row', async () => {
    const read = async () => {
      for await (const _ of copyTextPages(chunked('a\tb\nc\t', 3), 2, 10)) {
        // nothing: the error comes at the end
      }
    }
    await expect(read()).rejects.toThrow(/cut short/)
  })

  it('reads array text: quoted items, NULL, empty, bounds', () => {
    expect(itemsOf('{}')).toEqual([])
    expect(itemsOf('{a,b}')).toEqual(['a', 'b'])
    expect(itemsOf('{"a,b","c\\"d","e\\\\f","",NULL,"NULL",null}')).toEqual([
      'a,b',
      'c"d',
      'e\\f',
      '',
      null,
      'NULL',
      null,
    ])
    expect(itemsOf('{张三,"李 四"}')).toEqual(['张三', '李 四'])
    expect(itemsOf('[0:1]={x,y}')).toEqual(['x', 'y'])
    expect(() => itemsOf('{{a},{b}}')).toThrow(/arrays/)
    expect(() => itemsOf('a,b')).toThrow(/not \{/)
  })
})

describe('SQL literals', () => {
  it('quotes text, arrays and numbers so the server reads back the same values', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'")
    expect(sqlLiteral('a\\b')).toBe("E'a\\\\b'")
    expect(sqlLiteral(['x', "y'z"])).toBe("ARRAY['x', 'y''z']")
    expect(sqlLiteral([])).toBe("'{}'")
    expect(sqlLiteral(null)).toBe('NULL')
    expect(sqlLiteral(12.5)).toBe('12.5')
    expect(sqlLiteral(true)).toBe('true')
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/)
    expect(() => sqlLiteral(Number.NaN)).toThrow(/non-finite/)
    expect(() => sqlLiteral({})).toThrow(/no SQL literal/)
  })

  it('writes the values in for their placeholders, $10 not read as $1', () => {
    const params = Array.from({ length: 10 }, (_, i) => `v${i + 1}`)
    expect(inlineParams('$1 = $10 and $2', params)).toBe("'v1' = 'v10' and 'v2'")
    expect(() => inlineParams('$3', ['a'])).toThrow(/no parameter/)
  })
})

describe.skipIf(unavailable('postgres'))('copyOut [postgres]', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await openTestDatabase('postgres')
  })
  afterAll(async () => {
    await t.dispose()
  })

  // values a COPY must escape or quote, and literals a hostile value could break out of
  const TEXTS = [
    'plain',
    'tab\there',
    'line\nfeed\r',
    'back\\slash',
    '\\N',
    '',
    '张三𠀀',
    "it's",
    'a"b',
    '\x01\x7f',
  ]
  const LISTS = [[], ['a', 'b c'], ['', null, 'NULL', 'x,y', '{z}', 'q"\\'], ['张三']]

  it('streams the rows of a query as COPY text that reads back as the values', async () => {
    const sql = inlineParams(
      'select t.x, $1::text[] as l, null::text as n from unnest($2::text[]) with ordinality t(x, i) order by i',
      [LISTS[2], TEXTS],
    )
    const got: { x: string | null; l: (string | null)[]; n: boolean }[] = []
    for await (const page of copyTextPages(t.database.copyOut!(sql), 3, 4))
      for (let r = 0; r < page.rows; r++) {
        const f = r * 3
        const l: (string | null)[] = []
        arrayItems(page.bytes, page.starts[f + 1]!, page.ends[f + 1]!, (s, e) =>
          l.push(s < 0 ? null : page.bytes.toString('utf8', s, e)),
        )
        got.push({
          x: page.bytes.toString('utf8', page.starts[f], page.ends[f]),
          l,
          n: page.starts[f + 2]! < 0,
        })
      }
    expect(got).toEqual(TEXTS.map((x) => ({ x, l: LISTS[2], n: true })))
  })

  it('every list round-trips through array text', async () => {
    for (const list of LISTS) {
      const got: (string | null)[] = []
      for await (const page of copyTextPages(
        t.database.copyOut!(`select ${sqlLiteral(list)}::text[]`),
        1,
        10,
      ))
        arrayItems(page.bytes, page.starts[0]!, page.ends[0]!, (s, e) =>
          got.push(s < 0 ? null : page.bytes.toString('utf8', s, e)),
        )
      expect(got).toEqual(list)
    }
  })

  it('stopping early ends the COPY and frees its connection; an error reaches the reader', async () => {
    // more than the pool's 4 connections: one not given back would leave the next waiting for ever
    for (let i = 0; i < 12; i++)
      for await (const _ of t.database.copyOut!('select g from generate_series(1, 1000000) g')) break
    expect(await t.database.query('select 1 as one')).toEqual([{ one: 1 }])
    const failing = async () => {
      for await (const _ of t.database.copyOut!('select 1 / (g - 3) from generate_series(1, 5) g')) {
        // division by zero on the third row
      }
    }
    await expect(failing()).rejects.toThrow(/division by zero/)
    expect(await t.database.query('select 1 as one')).toEqual([{ one: 1 }])
  })
})
