import { writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as XLSX from 'xlsx'
import { openTable } from '../../../src/ingest/read/index.ts'
import { makeTempDir, readAll, type TempDir } from './make-files.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

async function writeXls(name: string, sheets: [string, unknown[][]][]): Promise<string> {
  const workbook = XLSX.utils.book_new()
  for (const [sheetName, rows] of sheets) {
    const sheet = XLSX.utils.aoa_to_sheet(rows)
    // Date cells as Excel stores them: a serial number with a date format. (SheetJS's writer turns Date
    // objects into serials through the local time zone, which is off by hours in some zones.)
    for (const [ref, cell] of Object.entries(sheet)) {
      if (
        typeof cell === 'object' &&
        cell !== null &&
        'v' in cell &&
        typeof cell.v === 'string' &&
        cell.v.startsWith('serial:')
      ) {
        sheet[ref] = { t: 'n', v: Number(cell.v.slice(7)), z: 'yyyy-mm-dd' }
      }
    }
    XLSX.utils.book_append_sheet(workbook, sheet, sheetName)
  }
  const path = dir.file(name)
  await writeFile(path, XLSX.write(workbook, { type: 'buffer', bookType: 'biff8' }) as Buffer)
  return path
}

describe('legacy XLS', () => {
  it('reads a BIFF8 workbook in a worker: title row, strings, numbers, booleans, dates, gaps', async () => {
    const path = await writeXls('hukou.xls', [
      [
        '户籍人口',
        [
          ['秦淮区实有人口登记表'],
          [],
          ['记录编号', '姓名', '出生日期', '家庭人口数', '在册', '备注'],
          ['R001', '王伟', 'serial:31108', 4, true, "x'); DROP TABLE t;--"],
          ['R002', '<b>李娜</b>', 'serial:36526', 1.5, false],
          ['R003', null, null, null, null, '末尾'],
        ],
      ],
      ['第二页', [['second']]],
    ])
    const source = await openTable(path)
    expect(source.format).toBe('xls')
    expect(source.sheet).toBe('户籍人口')
    expect(await readAll(source)).toEqual([
      { row: 1, cells: ['秦淮区实有人口登记表'] },
      { row: 3, cells: ['记录编号', '姓名', '出生日期', '家庭人口数', '在册', '备注'] },
      { row: 4, cells: ['R001', '王伟', '1985-03-02', '4', 'TRUE', "x'); DROP TABLE t;--"] },
      { row: 5, cells: ['R002', '<b>李娜</b>', '2000-01-01', '1.5', 'FALSE'] },
      { row: 6, cells: ['R003', '', '', '', '', '末尾'] },
    ])
    const second = await openTable(path, { sheet: '第二页' })
    expect(await readAll(second)).toEqual([{ row: 1, cells: ['second'] }])
  })

  it('refuses an .xls above the size cap before parsing (SANSHI206)', async () => {
    const path = await writeXls('big.xls', [['S', [['a']]]])
    await expect(openTable(path, { limits: { maxXlsBytes: 1000 } })).rejects.toMatchObject({
      code: 'SANSHI206',
      location: { file: 'big.xls' },
    })
  })

  it('refuses a damaged OLE2 file (SANSHI207)', async () => {
    const path = dir.file('broken.xls')
    const bytes = Buffer.alloc(4096, 0x41)
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(bytes)
    await writeFile(path, bytes)
    await expect(openTable(path)).rejects.toMatchObject({
      code: 'SANSHI207',
      location: { file: 'broken.xls' },
    })
  })

  it('reads an XLSX named .xls, by content', async () => {
    const workbook = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['a', 1]]), 'S')
    const path = dir.file('really-xlsx.xls')
    await writeFile(path, XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer)
    const source = await openTable(path)
    expect(source.format).toBe('xlsx')
    expect(await readAll(source)).toEqual([{ row: 1, cells: ['a', '1'] }])
  })
})
