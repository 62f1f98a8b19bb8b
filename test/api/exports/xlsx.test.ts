import { crc32, inflateRawSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import XLSX from 'xlsx'
import { type ExportOptions, type ExportRow, exportStream } from '../../../src/api/exports/index.ts'
import { collect, COLUMNS, EDGE_ROWS, manyRows, pagesOf } from './support.ts'

const xlsxOf = async (rows: readonly ExportRow[] = EDGE_ROWS, options: ExportOptions = {}) =>
  collect(exportStream('xlsx', COLUMNS, pagesOf(rows, 5), { sheetName: 'persons', ...options }))

const load = async (bytes: Buffer) => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  return wb
}

/** Each sheet's rows as exceljs reads them, blank cells as null. */
const sheetValues = (ws: ExcelJS.Worksheet) => {
  const rows: unknown[][] = []
  ws.eachRow({ includeEmpty: true }, (row) => {
    rows.push(Array.from({ length: COLUMNS.length }, (_, i) => row.getCell(i + 1).value ?? null))
  })
  return rows
}

/** The zip's entries from its central directory, checked against their local headers and crc. */
const zipEntries = (zip: Buffer) => {
  const end = zip.length - 22
  expect(zip.readUInt32LE(end)).toBe(0x06054b50)
  const count = zip.readUInt16LE(end + 10)
  let at = zip.readUInt32LE(end + 16)
  return Array.from({ length: count }, () => {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const nameLength = zip.readUInt16LE(at + 28)
    const entry = {
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
      crc: zip.readUInt32LE(at + 16),
      compressed: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
    }
    at += 46 + nameLength
    const local = entry.offset
    expect(zip.readUInt32LE(local)).toBe(0x04034b50)
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const data = inflateRawSync(zip.subarray(dataStart, dataStart + entry.compressed))
    return {
      ...entry,
      localTime: zip.readUInt16LE(local + 10),
      localDate: zip.readUInt16LE(local + 12),
      data,
    }
  })
}

const HEADER = ['id', '姓名', '出生日期', 'phones', 'floor', 'confidence', 'rented']

describe('XLSX export', () => {
  it('round-trips every edge case through exceljs', async () => {
    const wb = await load(await xlsxOf())
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['persons'])
    const _ = null
    expect(sheetValues(wb.worksheets[0]!)).toEqual([
      HEADER,
      ['P1', '张三', '1990-05-12', '138****5678;025-8888****', 3, 0.97, true],
      ['P2', '欧阳𠀀', '1990', _, -2, -1.5, false],
      ['P3', _, _, _, _, _, _],
      ['P4', _, _, _, _, _, _],
      ['P5', '他说"你好",然后走了', '1990-05', 'a,b;c"d', _, _, _],
      ['P6', 'line one\nline two', _, 'x\r\ny', _, _, _],
      ['P7', '=1+2', _, "=cmd|' /C calc'!A0", _, _, _],
      ['P8', '+86 25', '-1', '-5;@SUM(A1)', _, _, _],
      ['P9', '@me', _, '\tx;＝1', _, _, _],
      ['P10', '-', _, _, 9007199254740992, 2.5, _], // Excel's numbers are doubles
      ['P11', _, _, ';;z', 9007199254740992, _, _], // an empty string is a blank cell
      ['P12', '  spaced  ', _, _, _, _, _],
    ])
  })

  it('writes formula-looking text as literal strings, never formulas', async () => {
    const ws = (await load(await xlsxOf())).worksheets[0]!
    for (const [row, col] of [
      [8, 2],
      [8, 4],
      [9, 2],
      [10, 2],
    ] as const) {
      const cell = ws.getRow(row).getCell(col)
      expect(cell.type).toBe(ExcelJS.ValueType.String)
      expect(cell.formula).toBeUndefined()
    }
  })

  it('escapes what XML cannot carry so Excel reads the same text back (checked with SheetJS)', async () => {
    const tricky = ['a\x01b', 'c\rd', 'e_x0041_f', 'g\uD800h', '<&>', 'x\x0B\x1Fy']
    const rows = tricky.map((name, i) => ({ id: `T${i}`, name }))
    const wb = XLSX.read(await xlsxOf(rows))
    const read = XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets.persons!, { header: 1, raw: true })
    expect(read.slice(1).map((r) => r[1])).toEqual([
      'a\x01b',
      'c\rd',
      'e_x0041_f',
      'g\uFFFDh', // half a surrogate pair cannot be kept
      '<&>',
      'x\x0B\x1Fy',
    ])
  })

  it('continues on a new sheet, header repeated, when a sheet is full', async () => {
    const rows = manyRows(12)
    const wb = await load(await xlsxOf(rows, { rowsPerSheet: 5 }))
    expect(wb.worksheets.map((ws) => ws.name)).toEqual(['persons', 'persons (2)', 'persons (3)'])
    const sheets = wb.worksheets.map(sheetValues)
    for (const sheet of sheets) expect(sheet[0]).toEqual(HEADER)
    expect(sheets.flatMap((s) => s.slice(1).map((r) => r[0]))).toEqual(rows.map((r) => r.id))
    expect(sheets.map((s) => s.length - 1)).toEqual([5, 5, 2])
  })

  it('continues on a new sheet before a sheet outgrows its byte limit', async () => {
    const rows = manyRows(40)
    const wb = await load(await xlsxOf(rows, { bytesPerSheet: 4000 }))
    expect(wb.worksheets.length).toBeGreaterThan(2)
    const ids = wb.worksheets.flatMap((ws) =>
      sheetValues(ws)
        .slice(1)
        .map((r) => r[0]),
    )
    expect(ids).toEqual(rows.map((r) => r.id))
  })

  it('shortens a long sheet name to fit " (2)" within 31 characters', async () => {
    const name = 'x'.repeat(31)
    const wb = await load(await xlsxOf(manyRows(3), { sheetName: name, rowsPerSheet: 2 }))
    expect(wb.worksheets.map((ws) => ws.name)).toEqual([name, `${'x'.repeat(27)} (2)`])
  })

  it.each(['', 'a/b', 'x'.repeat(32), "'quoted'", 'a[1]'])(
    'refuses the sheet name %j at once',
    (sheetName) => {
      expect(() => exportStream('xlsx', COLUMNS, [], { sheetName })).toThrow(/sheet name/)
    },
  )

  it.each([0, 1.5, 1_048_576])('refuses %j rows per sheet at once', (rowsPerSheet) => {
    expect(() => exportStream('xlsx', COLUMNS, [], { rowsPerSheet })).toThrow(/rowsPerSheet/)
  })

  it('writes the header alone for an empty export', async () => {
    const wb = await load(await xlsxOf([]))
    expect(wb.worksheets.map(sheetValues)).toEqual([[HEADER]])
  })

  it('stamps every zip entry with the same fixed time, and each entry inflates to its crc', async () => {
    const entries = zipEntries(await xlsxOf(manyRows(30)))
    expect(entries.map((e) => e.name)).toEqual([
      '_rels/.rels',
      'xl/styles.xml',
      'xl/worksheets/sheet1.xml',
      'xl/workbook.xml',
      'xl/_rels/workbook.xml.rels',
      '[Content_Types].xml',
    ])
    for (const e of entries) {
      expect([e.time, e.date, e.localTime, e.localDate]).toEqual([0, 0x21, 0, 0x21]) // 1980-01-01 00:00
      expect(e.data.length).toBe(e.size)
      expect(crc32(e.data)).toBe(e.crc)
    }
    const sheet = entries[2]!.data.toString()
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>')
    expect(sheet).not.toContain('<f>')
  })

  it('sizes columns to their header or the widest value of the first page, Han characters counting two', async () => {
    const sheet = zipEntries(await xlsxOf())
      .find((e) => e.name === 'xl/worksheets/sheet1.xml')!
      .data.toString()
    const widths = [...sheet.matchAll(/<col min="\d+" max="\d+" width="(\d+)"/g)].map((m) => Number(m[1]))
    // id and the numbers: Excel's default; 姓名: 他说"你好",然后走了 is 19 wide; phones: two joined
    expect(widths).toEqual([8, 21, 12, 26, 8, 12, 8])
  })
})
