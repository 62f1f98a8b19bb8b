/**
 * Every bad input of the issue, through the whole ingest on both databases: each ends in a clear error
 * naming file, row and column, or in refused rows that name them; nothing of a failed batch is left in
 * the database; error messages quote nothing from the file; and the process goes on ingesting after.
 */
import { writeFile } from 'node:fs/promises'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allMappings, MappingError, parseMapping } from '../../connectors/index.ts'
import { mappings as cliMappings } from '../../src/cli/context.ts'
import type { Database } from '../../src/db/index.ts'
import type { SanshiError } from '../../src/errors.ts'
import { forEachDatabase } from '../support/databases.ts'
import { makeTempDir, row, type TempDir, writeText, writeXlsx, writeZip } from './read/make-files.ts'
import { countRows, csvText, ingest, inlineRows, residentId, sanshiError } from './support.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

const ID_A = residentId('320104', '19850302', 12, 'M')
const ID_B = residentId('320104', '19900715', 34, 'F')
const PHONE_A = '13800138000'
const PHONE_B = '13900139000'
/** What no error message may quote: the ids and phones the files below carry. */
const SECRETS = [ID_A, ID_B, ID_A.slice(6, 14), PHONE_A, PHONE_B, '王伟', '李娜']

const HEADER = ['记录编号', '姓名', '性别', '公民身份号码', '现住地址', '联系电话']
const goodRow = (n: number): string[] => [
  `B-${String(n).padStart(5, '0')}`,
  n % 2 ? '王伟' : '李娜',
  n % 2 ? '男' : '女',
  n % 2 ? ID_A : ID_B,
  `贡院街12号3栋${100 + (n % 50)}`,
  n % 2 ? PHONE_A : PHONE_B,
]

const expectQuiet = (error: SanshiError) => {
  for (const s of SECRETS) {
    expect(error.message).not.toContain(s)
    expect(error.describe()).not.toContain(s)
  }
}

/** Runs a failing ingest and checks it left the database exactly as it found it. */
const failsCleanly = async (db: Database, path: string, opts = {}): Promise<SanshiError> => {
  const before = await countRows(db)
  const error = await sanshiError(ingest(db, path, opts))
  expect(await countRows(db)).toEqual(before)
  expectQuiet(error)
  return error
}

const tableIntact = async (db: Database) => {
  const tables = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables
     WHERE table_name IN ('batches', 'source_records', 'refused_rows', 'source_persons')`,
  )
  expect(tables[0]!.n).toBe(4)
}

forEachDatabase('ingest of bad input', (getDb) => {
  it('an unbalanced quote after a written chunk: SANSHI205 at its row, and nothing half-written', async () => {
    const db = getDb()
    const rows = [HEADER, ...Array.from({ length: 12_000 }, (_, i) => goodRow(i + 1))]
    const text = `${csvText(rows)}B-99999,"王伟 ${ID_A},男\nB-99998,李娜,女,${ID_B},贡院街,${PHONE_B}\n`
    const path = await writeText(dir.file('police.hukou-unbalanced.csv'), text)
    const error = await failsCleanly(db, path)
    expect(error.code).toBe('SANSHI205')
    // the header is row 1, the 12,000 good rows 2..12001: the quote opens on row 12002
    expect(error.location).toEqual({ file: 'police.hukou-unbalanced.csv', row: 12_002 })
  })

  it('a read error while a chunk is still being written: the rollback waits for it, nothing is kept', async () => {
    const db = getDb()
    // a slow disk: each COPY starts late, so the reader fails while the first chunk is in flight
    const slow: Database = {
      ...db,
      copyInto: async (tx, table, columns, rows) => {
        await new Promise((r) => setTimeout(r, 150))
        return db.copyInto(tx, table, columns, rows)
      },
    }
    const rows = [HEADER, ...Array.from({ length: 10_100 }, (_, i) => goodRow(60_000 + i))]
    const path = await writeText(dir.file('police.hukou-slow.csv'), `${csvText(rows)}B-99999,"never closed\n`)
    const before = await countRows(db)
    const error = await sanshiError(ingest(slow, path))
    expect(error.code).toBe('SANSHI205')
    expect(error.location).toEqual({ file: 'police.hukou-slow.csv', row: 10_102 })
    await new Promise((r) => setTimeout(r, 1000)) // time for any statement left behind to land
    expect(await countRows(db)).toEqual(before)
  })

  describe('wrong or mixed encoding', () => {
    const text = csvText([HEADER, goodRow(1), goodRow(2)])

    it('a Big5 or Shift-JIS file: no header can be read, SANSHI203 naming the file', async () => {
      for (const [name, encoding] of [
        ['police.hukou-big5.csv', 'big5'],
        ['police.hukou-sjis.csv', 'shift_jis'],
      ] as const) {
        const path = dir.file(name)
        await writeFile(path, iconv.encode(text, encoding))
        const error = await failsCleanly(getDb(), path)
        expect(error.code).toBe('SANSHI203')
        expect(error.location).toEqual({ file: name })
      }
    })

    it('UTF-16 without a byte-order mark: SANSHI201, not a text table', async () => {
      const path = dir.file('police.hukou-utf16.csv')
      await writeFile(path, iconv.encode(text, 'utf-16le'))
      const error = await failsCleanly(getDb(), path)
      expect(error.code).toBe('SANSHI201')
      expect(error.location).toEqual({ file: 'police.hukou-utf16.csv' })
    })

    it('a GBK line in a small UTF-8 file: the whole file reads as GB18030 and no header is found', async () => {
      const path = dir.file('police.hukou-mixed-small.csv')
      await writeFile(
        path,
        Buffer.concat([Buffer.from(text, 'utf8'), iconv.encode(`${goodRow(3).join(',')}\n`, 'gbk')]),
      )
      const error = await failsCleanly(getDb(), path)
      expect(error.code).toBe('SANSHI203')
      expect(error.location).toEqual({ file: 'police.hukou-mixed-small.csv' })
    })

    it('a GBK line deep in a UTF-8 file: that row is refused as BAD_CHARACTERS naming its columns', async () => {
      const db = getDb()
      const head = [HEADER, ...Array.from({ length: 5000 }, (_, i) => goodRow(20_000 + i))] // > 256 KB of UTF-8
      const bad = ['B-77777', '王伟', '男', ID_A, '贡院街12号', PHONE_A]
      const path = dir.file('police.hukou-mixed-late.csv')
      await writeFile(
        path,
        Buffer.concat([
          Buffer.from(csvText(head), 'utf8'),
          iconv.encode(`${bad.join(',')}\n`, 'gbk'),
          Buffer.from(`${goodRow(30_000).join(',')}\n`, 'utf8'),
        ]),
      )
      const summary = await ingest(db, path)
      expect(summary).toMatchObject({ status: 'committed', rows: 5002, accepted: 5001, rejected: 1 })
      const refused = await db.query<{ row_number: number; record_id: string; problems: unknown[] }>(
        'SELECT row_number, record_id, problems FROM refused_rows WHERE batch_id = $1',
        [summary.batchId],
      )
      expect(refused).toEqual([
        {
          row_number: 5002,
          record_id: 'B-77777',
          problems: [
            { column: '姓名', code: 'BAD_CHARACTERS', severity: 'error' },
            { column: '性别', code: 'BAD_CHARACTERS', severity: 'error' },
            { column: '现住地址', code: 'BAD_CHARACTERS', severity: 'error' },
          ],
        },
      ])
    })
  })

  it('an empty file: SANSHI202 naming the file', async () => {
    const path = dir.file('police.hukou-empty.csv')
    await writeFile(path, '')
    const error = await failsCleanly(getDb(), path)
    expect(error.code).toBe('SANSHI202')
    expect(error.location).toEqual({ file: 'police.hukou-empty.csv' })

    const blank = await writeText(dir.file('police.hukou-blank.csv'), '\r\n,,,\r\n\r\n', 'utf-8-bom')
    expect((await failsCleanly(getDb(), blank)).code).toBe('SANSHI202')
    const blankXlsx = await writeXlsx(dir.file('police.hukou-blank.xlsx'), {
      sheets: [{ name: 'S', rowsXml: '' }],
    })
    const e3 = await failsCleanly(getDb(), blankXlsx)
    expect(e3.code).toBe('SANSHI202')
    expect(e3.location).toEqual({ file: 'police.hukou-blank.xlsx' })
  })

  it('a header and no rows: SANSHI202 naming the header row', async () => {
    const csv = await writeText(dir.file('police.hukou-header-only.csv'), csvText([HEADER]), 'gbk')
    const e1 = await failsCleanly(getDb(), csv)
    expect(e1.code).toBe('SANSHI202')
    expect(e1.location).toEqual({ file: 'police.hukou-header-only.csv', row: 1 })

    const xlsx = await writeXlsx(dir.file('police.hukou-header-only.xlsx'), {
      sheets: [{ name: 'S', rowsXml: inlineRows([['秦淮区实有人口登记表'], null, HEADER, ['', '', '']]) }],
    })
    const e2 = await failsCleanly(getDb(), xlsx)
    expect(e2.code).toBe('SANSHI202')
    expect(e2.location).toEqual({ file: 'police.hukou-header-only.xlsx', row: 3 })
  })

  it('no recognisable header: SANSHI203 when the file names its source, SANSHI204 when nothing does', async () => {
    const rows = csvText([
      ['a', 'b', 'c'],
      ['B-1', '王伟', ID_A],
    ])
    const named = await writeText(dir.file('police.hukou-noheader.csv'), rows)
    const e1 = await failsCleanly(getDb(), named)
    expect(e1.code).toBe('SANSHI203')
    expect(e1.location).toEqual({ file: 'police.hukou-noheader.csv' })
    expect(e1.message).toBe('no row among the first 20 names the columns of police.hukou')

    const unnamed = await writeText(dir.file('upload.csv'), rows)
    const e2 = await failsCleanly(getDb(), unnamed)
    expect(e2.code).toBe('SANSHI204')
    expect(e2.location).toEqual({ file: 'upload.csv' })
    expect(e2.hint).toBe('pass --source, or a --mapping file for a new format')

    // the header sits below 25 title lines: past the 20 rows searched
    const deep = await writeText(
      dir.file('police.hukou-deep.csv'),
      `${'说明\n'.repeat(25)}${csvText([HEADER, goodRow(1)])}`,
    )
    expect((await failsCleanly(getDb(), deep)).code).toBe('SANSHI203')

    // a header without a required column (姓名)
    const lacking = await writeText(
      dir.file('police.hukou-lacking.csv'),
      `标题\n${csvText([
        ['记录编号', '性别', '公民身份号码', '联系电话'],
        ['B-1', '男', ID_A, PHONE_A],
      ])}`,
    )
    const e3 = await failsCleanly(getDb(), lacking)
    expect(e3.code).toBe('SANSHI203')
    expect(e3.location).toEqual({ file: 'police.hukou-lacking.csv', row: 2 })
    expect(e3.message).toBe('the header lacks the required column 姓名 / 户主/成员姓名')
  })

  it('a 50 MB line: SANSHI206 at its row', async () => {
    const path = dir.file('police.hukou-long-line.csv')
    const long = Buffer.alloc(50 * 1024 * 1024, 0x61)
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from(csvText([HEADER, goodRow(1)])),
        Buffer.from('B-2,'),
        long,
        Buffer.from('\n'),
      ]),
    )
    const error = await failsCleanly(getDb(), path)
    expect(error.code).toBe('SANSHI206')
    expect(error.location).toEqual({ file: 'police.hukou-long-line.csv', row: 3 })
  })

  it('binary garbage named .csv (and .xlsx): SANSHI201 / SANSHI207 naming the file', async () => {
    const bytes = Buffer.alloc(64 * 1024)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256
    const csv = dir.file('police.hukou-garbage.csv')
    await writeFile(csv, bytes)
    const e1 = await failsCleanly(getDb(), csv)
    expect(e1.code).toBe('SANSHI201')
    expect(e1.location).toEqual({ file: 'police.hukou-garbage.csv' })

    // a zip that is no workbook, named .xlsx
    const zip = dir.file('police.hukou-garbage.xlsx')
    await writeZip(zip, { 'word/document.xml': '<w/>' })
    const e2 = await failsCleanly(getDb(), zip)
    expect(e2.code).toBe('SANSHI207')
    expect(e2.location).toEqual({ file: 'police.hukou-garbage.xlsx' })
  })

  it('an XLSX zip bomb: SANSHI207, refused before it inflates', async () => {
    const padding = ' '.repeat(40 * 1024 * 1024)
    const path = await writeXlsx(dir.file('police.hukou-bomb.xlsx'), {
      sheets: [{ name: 'S', rowsXml: `${inlineRows([HEADER, goodRow(1)])}${padding}` }],
      level: 9,
    })
    const error = await failsCleanly(getDb(), path)
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/zip bomb/)
    expect(error.location).toEqual({ file: 'police.hukou-bomb.xlsx' })
  })

  it('an XLSX crafted for prototype pollution: its keys are plain data, nothing is polluted', async () => {
    const db = getDb()
    const evil = '{"__proto__":{"polluted":true}}'
    const path = await writeXlsx(dir.file('police.hukou-proto.xlsx'), {
      sheets: [
        {
          name: '__proto__',
          rowsXml:
            row(
              1,
              [
                ['A1', 's', '0', undefined],
                ['B1', 's', '1', undefined],
                ['C1', 's', '2', undefined],
                ['D1', 's', '3', undefined],
                ['E1', 's', '4', undefined],
              ],
              ' __proto__="x" constructor="y"',
            ) +
            inlineRows([
              null,
              ['__proto__', '王伟', ID_A, evil, 'constructor'],
              ['constructor', '', ID_B, 'x', 'y'],
            ]),
        },
      ],
      sharedStrings: ['记录编号', '姓名', '公民身份号码', '__proto__', 'constructor'],
      numFmts: [[176, '__proto__']],
      cellXfs: [0, 176],
      extraParts: { 'xl/__proto__.xml': '<polluted __proto__="1"/>' },
    })
    const summary = await ingest(db, path, { maxRefusedShare: 1 })
    expect(summary).toMatchObject({ status: 'committed', rows: 2, accepted: 1, rejected: 1 })
    const [kept] = await db.query<{ record_id: string; raw: Record<string, string> }>(
      'SELECT record_id, raw FROM source_records WHERE batch_id = $1',
      [summary.batchId],
    )
    expect(kept!.record_id).toBe('__proto__')
    expect(Object.entries(kept!.raw)).toEqual([
      ['记录编号', '__proto__'],
      ['姓名', '王伟'],
      ['公民身份号码', ID_A],
      ['__proto__', evil],
      ['constructor', 'constructor'],
    ])
    const [refused] = await db.query<{ record_id: string; raw: Record<string, string>; problems: unknown[] }>(
      'SELECT record_id, raw, problems FROM refused_rows WHERE batch_id = $1',
      [summary.batchId],
    )
    expect(refused!.record_id).toBe('constructor')
    expect(Object.entries(refused!.raw)).toEqual([
      ['记录编号', 'constructor'],
      ['公民身份号码', ID_B],
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ])
    expect(refused!.problems).toEqual([{ column: '姓名', code: 'REQUIRED', severity: 'error' }])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(typeof Object.prototype.constructor).toBe('function')
  })

  it('formulas: a spreadsheet formula keeps its cached value with a FORMULA warning; CSV formula text stays text', async () => {
    const db = getDb()
    const xlsx = await writeXlsx(dir.file('police.hukou-formula.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml:
            inlineRows([['记录编号', '姓名', '联系电话', '备注']]) +
            row(2, [
              ['A2', 'inlineStr', '', '<is><t>F-1</t></is>'],
              ['B2', 'str', '王伟', '<f>"王"&amp;"伟"</f>'],
              ['C2', 'inlineStr', '', `<is><t>${PHONE_A}</t></is>`],
              ['D2', 'str', 'link', '<f>HYPERLINK("http://example.invalid","link")</f>'],
            ]),
        },
      ],
    })
    const s1 = await ingest(db, xlsx)
    expect(s1).toMatchObject({ status: 'committed', accepted: 1, warnings: 1 })
    expect(
      await db.query('SELECT raw, data, problems FROM source_records WHERE batch_id = $1', [s1.batchId]),
    ).toEqual([
      {
        raw: { 记录编号: 'F-1', 姓名: '王伟', 联系电话: PHONE_A, 备注: 'link' },
        data: { record_id: 'F-1', name: '王伟', phone: [PHONE_A] },
        problems: [{ column: '姓名', code: 'FORMULA', severity: 'warning' }],
      },
    ])

    const csv = await writeText(
      dir.file('police.hukou-formula.csv'),
      csvText([
        ['记录编号', '姓名', '联系电话', '备注'],
        ['F-2', '李娜', `'+86${PHONE_B}`, "=cmd|' /C calc'!A0"],
        ['F-3', '=HYPERLINK("http://example.invalid")', '', '@SUM(1+1)'],
      ]),
    )
    const s2 = await ingest(db, csv)
    expect(s2).toMatchObject({ status: 'committed', accepted: 2 })
    const rows = await db.query<{ raw: Record<string, string>; data: Record<string, unknown> }>(
      'SELECT raw, data FROM source_records WHERE batch_id = $1 ORDER BY record_id',
      [s2.batchId],
    )
    // raw keeps the cells as sent, the spreadsheet guard apostrophe included; parsing looks through it
    expect(rows[0]).toEqual({
      raw: { 记录编号: 'F-2', 姓名: '李娜', 联系电话: `'+86${PHONE_B}`, 备注: "=cmd|' /C calc'!A0" },
      data: { record_id: 'F-2', name: '李娜', phone: [PHONE_B] },
    })
    expect(rows[1]!.raw).toEqual({
      记录编号: 'F-3',
      姓名: '=HYPERLINK("http://example.invalid")',
      备注: '@SUM(1+1)',
    })
  })

  it('SQL and HTML in cells are stored as sent and run nowhere', async () => {
    const db = getDb()
    const sql = "Robert'); DROP TABLE source_records;--"
    const html = '<script>alert(1)</script><b onclick="x">店</b>'
    const address = "贡院街12号'; DELETE FROM batches; --"
    const path = await writeText(
      dir.file('police.hukou-injection.csv'),
      csvText([
        [...HEADER, '备注'],
        ['I-1', sql, '男', ID_A, address, PHONE_A, html],
        ["I-2'; DROP TABLE refused_rows;--", '李娜', '女', ID_B, '$$; SELECT 1; $$', '', '\\x00\\.\n\\N'],
      ]),
    )
    const before = await countRows(db)
    const summary = await ingest(db, path)
    expect(summary).toMatchObject({ status: 'committed', rows: 2, accepted: 2 })
    const rows = await db.query<{ record_id: string; raw: Record<string, string> }>(
      'SELECT record_id, raw FROM source_records WHERE batch_id = $1 ORDER BY row_number',
      [summary.batchId],
    )
    expect(rows).toEqual([
      {
        record_id: 'I-1',
        raw: {
          记录编号: 'I-1',
          姓名: sql,
          性别: '男',
          公民身份号码: ID_A,
          现住地址: address,
          联系电话: PHONE_A,
          备注: html,
        },
      },
      {
        record_id: "I-2'; DROP TABLE refused_rows;--",
        raw: {
          记录编号: "I-2'; DROP TABLE refused_rows;--",
          姓名: '李娜',
          性别: '女',
          公民身份号码: ID_B,
          现住地址: '$$; SELECT 1; $$',
          备注: '\\x00\\.\n\\N',
        },
      },
    ])
    await tableIntact(db)
    const after = await countRows(db)
    expect(after.batches).toBe(before.batches + 1)
    expect(after.source_records).toBe(before.source_records + 2)
  })

  describe('10,000 identical rows', () => {
    const make = async (name: string) => {
      const line = `${['D-1', '王伟', '男', ID_A, '贡院街12号3栋301', PHONE_A].join(',')}\n`
      return writeText(dir.file(name), `${HEADER.join(',')}\n${line.repeat(10_000)}`)
    }
    const refusedCodes = (db: Database, batchId: string) =>
      db.query<{
        n: number
        first: number
        last: number
        code: string
        detail: string
        column: string | null
      }>(
        `SELECT count(*)::int AS n, min(row_number) AS first, max(row_number) AS last,
                min(problems->0->>'code') AS code, min(problems->0->>'detail') AS detail,
                min(problems->0->>'column') AS column, max(jsonb_array_length(problems)) AS problems
         FROM refused_rows WHERE batch_id = $1`,
        [batchId],
      )

    it('with the default limit: the batch is refused whole, 9,999 rows kept as DUPLICATE_ROW of row 2', async () => {
      const db = getDb()
      const path = await make('police.hukou-same-rows.csv')
      const before = await countRows(db)
      const summary = await ingest(db, path)
      expect(summary).toMatchObject({
        status: 'refused',
        rows: 10_000,
        accepted: 0,
        rejected: 9_999,
        message: '9999 of 10000 rows refused, more than the limit of 50%: nothing was taken',
      })
      for (const s of SECRETS) expect(summary.message).not.toContain(s)
      expect(await refusedCodes(db, summary.batchId)).toEqual([
        { n: 9_999, first: 3, last: 10_001, code: 'DUPLICATE_ROW', detail: '2', column: null, problems: 1 },
      ])
      expect(await countRows(db)).toEqual({
        ...before,
        batches: before.batches + 1,
        refused_rows: before.refused_rows + 9_999,
      })
    })

    it('with the limit raised to 1: one row taken, 9,999 refused', async () => {
      const db = getDb()
      const path = await make('police.hukou-same-rows-2.csv')
      const summary = await ingest(db, path, { maxRefusedShare: 1 })
      expect(summary).toMatchObject({
        status: 'committed',
        rows: 10_000,
        accepted: 1,
        rejected: 9_999,
        inserted: 1,
      })
      expect(
        await db.query('SELECT record_id, row_number FROM source_records WHERE batch_id = $1', [
          summary.batchId,
        ]),
      ).toEqual([{ record_id: 'D-1', row_number: 2 }])
      expect(await refusedCodes(db, summary.batchId)).toEqual([
        { n: 9_999, first: 3, last: 10_001, code: 'DUPLICATE_ROW', detail: '2', column: null, problems: 1 },
      ])
      expect(
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM source_persons WHERE record_id = 'D-1'`,
        ),
      ).toEqual([{ n: 1 }])
    })
  })

  describe('a mapping file with errors', () => {
    const valid = [
      'source: housing.property',
      'title: 物业登记',
      'department: housing',
      'columns:',
      '  - { field: record_id, header: 记录编号, required: true }',
      '  - { field: address, header: 房屋地址, parser: address }',
      'roles:',
      '  - { role: house, entity: house, fields: { address: address } }',
      '',
    ].join('\n')

    it('names the line and column of a YAML syntax error', () => {
      const broken = valid.replace(
        '  - { field: address, header: 房屋地址, parser: address }',
        '  - { field: address, header: [房屋地址',
      )
      const error = (() => {
        try {
          parseMapping(broken, 'housing.property.yaml')
        } catch (e) {
          return e
        }
      })() as MappingError
      expect(error).toBeInstanceOf(MappingError)
      expect(error.issues).toHaveLength(1)
      expect(error.issues[0]).toMatch(/^line \d+, column \d+: not valid YAML\/JSON/)
      expect(error.message.startsWith('housing.property.yaml: ')).toBe(true)
    })

    it('lists every schema problem with where it sits', () => {
      const broken = valid
        .replace('source: housing.property', 'source: Housing')
        .replace(
          '{ field: address, header: 房屋地址, parser: address }',
          '{ field: address, header: 房屋地址, parser: geo }',
        )
        .replace('fields: { address: address }', 'fields: { address: addr, colour: address }')
      let error: MappingError | undefined
      try {
        parseMapping(broken, 'bad.yaml')
      } catch (e) {
        error = e as MappingError
      }
      expect(error).toBeInstanceOf(MappingError)
      expect(error!.issues.map((i) => i.split(':')[0])).toEqual(['source', 'columns.1.parser'])
    })

    it('finds semantic problems once the shape is right', () => {
      const broken = valid
        .replace(
          '{ field: record_id, header: 记录编号, required: true }',
          '{ field: rid, header: 记录编号, required: true }',
        )
        .replace('fields: { address: address }', 'fields: { address: addr, colour: address }')
      let error: MappingError | undefined
      try {
        parseMapping(broken, 'bad.yaml')
      } catch (e) {
        error = e as MappingError
      }
      expect(error!.issues).toEqual([
        'columns: a column with field record_id (记录编号) is required',
        'roles.0.fields.address: no column declares field addr',
        'roles.0.fields.colour: house has no field colour; allowed: address, usage, gridCode',
      ])
    })

    it('refuses an alias bomb, and the CLI reports SANSHI209 naming the file; nothing is written', async () => {
      const db = getDb()
      const before = await countRows(db)
      const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from(
        { length: 12 },
        (_, i) =>
          `b${i}: &b${i} [${Array(10)
            .fill(i === 0 ? '*a' : `*b${i - 1}`)
            .join(', ')}]`,
      ).join('\n')}\n`
      expect(() => parseMapping(bomb, 'bomb.yaml')).toThrow(MappingError)

      const path = dir.file('housing.property.yaml')
      await writeFile(path, valid.replace('parser: address', 'parser: nonsense'))
      expect(() => allMappings([path])).toThrow(MappingError)
      let error: SanshiError | undefined
      try {
        cliMappings([path])
      } catch (e) {
        error = e as SanshiError
      }
      expect(error?.code).toBe('SANSHI209')
      expect(error?.location).toEqual({ file: path })
      expect(error?.message).toMatch(/^columns\.1\.parser: /)
      expect(await countRows(db)).toEqual(before)
    })
  })

  it('survives all of the above: a good file still goes in whole', async () => {
    const db = getDb()
    const before = await countRows(db)
    const path = await writeText(
      dir.file('police.hukou-good.csv'),
      csvText([HEADER, ...Array.from({ length: 50 }, (_, i) => goodRow(50_000 + i))]),
    )
    const summary = await ingest(db, path)
    expect(summary).toMatchObject({ status: 'committed', rows: 50, accepted: 50, rejected: 0, inserted: 50 })
    const after = await countRows(db)
    expect(after.source_records - before.source_records).toBe(50)
    expect(after.batches - before.batches).toBe(1)
    expect(
      await db.query(`SELECT count(*)::int AS n FROM batches WHERE status NOT IN ('committed', 'refused')`),
    ).toEqual([{ n: 0 }])
  })
})
