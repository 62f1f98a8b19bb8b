/**
 * The clerk's round trip: refused rows downloaded as CSV or XLSX in the file's own columns with the reason
 * beside each row (Chinese or English), fixed, and uploaded again as the next batch.
 */
import { readFile } from 'node:fs/promises'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/index.ts'
import { openTable } from '../../src/ingest/read/index.ts'
import { exportRefused } from '../../src/ingest/refused-export.ts'
import { forEachDatabase } from '../support/databases.ts'
import { makeTempDir, readAll, type TempDir, writeText } from './read/make-files.ts'
import { csvText, ingest, residentId, sanshiError } from './support.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

const ID_A = residentId('320104', '19850302', 12, 'M')
const ID_B = residentId('320104', '19900715', 34, 'F')
const ID_C = residentId('320106', '19721111', 56, 'M')

/** The clerk's columns, in an order of their own, with a column the hub does not know first. */
const HEADER = ['备注', '姓名', '记录编号', '公民身份号码', '现住地址', '联系电话', '性别']

const original = (p: string): string[][] => [
  HEADER,
  ['', '王伟', `${p}-1`, ID_A, '贡院街12号3栋301', '13800138000', '男'], // 2: taken
  ['楼长', '', `${p}-2`, ID_B, '贡院街12号3栋302', '', '女'], // 3: no name
  ['', '李娜', `${p}-3`, ID_B, '贡院街12号3栋303', '', '女'], // 4: taken
  ['', '', '', ID_C, '贡院街12号3栋304', '', '男'], // 5: no name, no record id
  ['=1+1', '', `${p}-5`, ID_C, '贡院街12号3栋305', '', '男'], // 6: no name, a formula-like note
]

const REASONS = {
  zh: ['姓名：必填项为空', '姓名：必填项为空；记录编号：必填项为空', '姓名：必填项为空'],
  en: [
    '姓名: required value is blank',
    '姓名: required value is blank; 记录编号: required value is blank',
    '姓名: required value is blank',
  ],
}

const expectedExport = (p: string, lang: 'zh' | 'en', formulaCell: string): string[][] => [
  [...HEADER, ...(lang === 'zh' ? ['原行号', '拒收原因'] : ['source row', 'why refused'])],
  ['楼长', '', `${p}-2`, ID_B, '贡院街12号3栋302', '', '女', '3', REASONS[lang][0]!],
  ['', '', '', ID_C, '贡院街12号3栋304', '', '男', '5', REASONS[lang][1]!],
  [formulaCell, '', `${p}-5`, ID_C, '贡院街12号3栋305', '', '男', '6', REASONS[lang][2]!],
]

/** Rows as the reader gives them, padded to the header's width (readers trim empty trailing cells). */
const readBack = async (path: string): Promise<string[][]> => {
  const rows = (await readAll(await openTable(path))).map((r) => r.cells)
  const width = rows[0]!.length
  return rows.map((cells) => Array.from({ length: width }, (_, i) => cells[i] ?? ''))
}

const ingestOriginal = async (db: Database, p: string) => {
  const path = await writeText(dir.file(`police.hukou-${p}.csv`), csvText(original(p)))
  const summary = await ingest(db, path, { maxRefusedShare: 1 })
  expect(summary).toMatchObject({ status: 'committed', rows: 5, accepted: 2, rejected: 3 })
  return summary
}

/** The clerk's fixes: a name for each row, a record id where it was blank. */
const FIXES: Record<string, { name: string; recordId?: string }> = {
  '3': { name: '赵六' },
  '5': { name: '孙八', recordId: 'new' },
  '6': { name: '钱七' },
}

const expectFixedIngest = async (
  db: Database,
  path: string,
  p: string,
  formulaCell: string,
  lang: 'zh' | 'en',
) => {
  const summary = await ingest(db, path)
  expect(summary).toMatchObject({
    source: 'police.hukou',
    status: 'committed',
    rows: 3,
    accepted: 3,
    rejected: 0,
    inserted: 3,
  })
  const rows = await db.query<{ record_id: string; row_number: number; raw: Record<string, string> }>(
    'SELECT record_id, row_number, raw FROM source_records WHERE batch_id = $1 ORDER BY row_number',
    [summary.batchId],
  )
  const [rowLabel, reasonLabel] = lang === 'zh' ? ['原行号', '拒收原因'] : ['source row', 'why refused']
  expect(rows.map((r) => [r.record_id, r.row_number])).toEqual([
    [`${p}-2`, 2],
    [`${p}-new`, 3],
    [`${p}-5`, 4],
  ])
  // the reason columns ride along as unknown columns, kept with the raw record
  expect(rows.map((r) => [r.raw[rowLabel], r.raw[reasonLabel], r.raw.姓名])).toEqual([
    ['3', REASONS[lang][0], '赵六'],
    ['5', REASONS[lang][1], '孙八'],
    ['6', REASONS[lang][2], '钱七'],
  ])
  expect(rows[0]!.raw.备注).toBe('楼长')
  expect(rows[2]!.raw.备注).toBe(formulaCell)
  const options = await db.query<{ options: { headers: string[] } }>(
    'SELECT options FROM batches WHERE id = $1',
    [summary.batchId],
  )
  expect(options[0]!.options.headers).toEqual([...HEADER, rowLabel, reasonLabel])
}

forEachDatabase('refused rows export', (getDb) => {
  it('survives hostile headers: an inherited name reads as blank, a formula is guarded', async () => {
    const db = getDb()
    const path = dir.file('police.hukou-hostile.csv')
    const header = ['记录编号', '姓名', 'constructor', '=HYPERLINK("http://x","a")', '__proto__']
    await writeText(path, csvText([header, ['H-1', '', '', '', 'p']]))
    const summary = await ingest(db, path, { maxRefusedShare: 1 })
    const out = dir.file('hostile.csv')
    expect(await exportRefused(db, summary.batchId, out, 'csv', 'en')).toBe(1)
    expect(await readBack(out)).toEqual([
      [
        '记录编号',
        '姓名',
        'constructor',
        `'=HYPERLINK("http://x","a")`,
        '__proto__',
        'source row',
        'why refused',
      ],
      ['H-1', '', '', '', 'p', '2', '姓名: required value is blank'],
    ])
  })

  it('downloads CSV in the file’s own columns with the reason beside each row, in Chinese by default', async () => {
    const db = getDb()
    const summary = await ingestOriginal(db, 'C')
    const out = dir.file('refused-C.csv')
    expect(await exportRefused(db, summary.batchId, out, 'csv')).toBe(3)
    const bytes = await readFile(out)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]) // Excel opens UTF-8 CSV right only with a BOM
    // a cell that would run as a formula in Excel gets the apostrophe guard
    expect(await readBack(out)).toEqual(expectedExport('C', 'zh', "'=1+1"))

    const en = dir.file('refused-C-en.csv')
    expect(await exportRefused(db, summary.batchId, en, 'csv', 'en')).toBe(3)
    expect(await readBack(en)).toEqual(expectedExport('C', 'en', "'=1+1"))
  })

  it('a fixed CSV goes in cleanly as the next batch', async () => {
    const db = getDb()
    const summary = await ingestOriginal(db, 'F')
    const out = dir.file('police.hukou-F-refused.csv')
    await exportRefused(db, summary.batchId, out, 'csv')
    const rows = await readBack(out)
    const [header, ...data] = rows
    const col = (h: string) => header!.indexOf(h)
    for (const r of data) {
      const fix = FIXES[r[col('原行号')]!]!
      r[col('姓名')] = fix.name
      if (fix.recordId) r[col('记录编号')] = `F-${fix.recordId}`
    }
    const fixed = await writeText(
      dir.file('police.hukou-F-fixed.csv'),
      csvText([header!, ...data]),
      'utf-8-bom',
    )
    // the guard apostrophe the export added stays in the raw cell; it is undone only for parsing
    await expectFixedIngest(db, fixed, 'F', "'=1+1", 'zh')
  })

  it('downloads XLSX with the reasons in English, and the fixed workbook goes in cleanly', async () => {
    const db = getDb()
    const summary = await ingestOriginal(db, 'X')
    const out = dir.file('police.hukou-X-refused.xlsx')
    expect(await exportRefused(db, summary.batchId, out, 'xlsx', 'en')).toBe(3)
    const table = await openTable(out)
    expect(table.format).toBe('xlsx')
    expect(table.sheet).toBe('refused rows')
    // strings stay strings in a workbook: no guard needed, none added
    expect(await readBack(out)).toEqual(expectedExport('X', 'en', '=1+1'))
    expect(await readBack(await exportZh(db, summary.batchId))).toEqual(expectedExport('X', 'zh', '=1+1'))

    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(out)
    const ws = wb.worksheets[0]!
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String)
    const col = (h: string) => header.indexOf(h) + 1
    for (let r = 2; r <= ws.rowCount; r++) {
      const fix = FIXES[String(ws.getCell(r, col('source row')).value)]!
      ws.getCell(r, col('姓名')).value = fix.name
      if (fix.recordId) ws.getCell(r, col('记录编号')).value = `X-${fix.recordId}`
    }
    const fixed = dir.file('police.hukou-X-fixed.xlsx')
    await wb.xlsx.writeFile(fixed)
    await expectFixedIngest(db, fixed, 'X', '=1+1', 'en')
  })

  describe('what else a clerk may download', () => {
    it('the refused rows of a batch refused whole', async () => {
      const db = getDb()
      const path = await writeText(
        dir.file('police.hukou-W.csv'),
        csvText([
          ['记录编号', '姓名', '现住地址'],
          ['W-1', '', '贡院街1号'],
          ['W-2', '王伟', '贡院街2号'],
          ['W-2', '王伟', '贡院街2号'],
        ]),
      )
      const summary = await ingest(db, path)
      expect(summary).toMatchObject({ status: 'refused', accepted: 0, rejected: 2 })
      const out = dir.file('refused-W.csv')
      expect(await exportRefused(db, summary.batchId, out, 'csv', 'en')).toBe(2)
      expect(await readBack(out)).toEqual([
        ['记录编号', '姓名', '现住地址', 'source row', 'why refused'],
        ['W-1', '', '贡院街1号', '2', '姓名: required value is blank'],
        ['W-2', '王伟', '贡院街2号', '4', 'repeats row 3 of this batch'],
      ])
    })

    it('a batch with no refused rows gives the header alone; an unknown batch is SANSHI404', async () => {
      const db = getDb()
      const path = await writeText(
        dir.file('police.hukou-clean.csv'),
        csvText([
          ['记录编号', '姓名'],
          ['K-1', '王伟'],
        ]),
      )
      const summary = await ingest(db, path)
      const out = dir.file('refused-K.csv')
      expect(await exportRefused(db, summary.batchId, out, 'csv')).toBe(0)
      expect(await readBack(out)).toEqual([['记录编号', '姓名', '原行号', '拒收原因']])
      const error = await sanshiError(exportRefused(db, 'NO-SUCH-BATCH', dir.file('none.csv'), 'csv'))
      expect(error.code).toBe('SANSHI404')
    })
  })
})

const exportZh = async (db: Database, batchId: string): Promise<string> => {
  const out = dir.file(`refused-${batchId}-zh.xlsx`)
  await exportRefused(db, batchId, out, 'xlsx', 'zh')
  return out
}
