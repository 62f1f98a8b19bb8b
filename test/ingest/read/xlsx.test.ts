import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTable } from '../../../src/ingest/read/index.ts'
import { makeTempDir, readAll, row, type TempDir, writeXlsx } from './make-files.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

describe('XLSX', () => {
  it('reads a title row, the header, shared strings, inline strings and numbers', async () => {
    const path = await writeXlsx(dir.file('people.xlsx'), {
      sheets: [
        {
          name: '户籍人口',
          rowsXml:
            row(1, [['A1', 's', '0']]) +
            row(3, [
              ['A3', 's', '1'],
              ['B3', 's', '2'],
              ['C3', 's', '3'],
            ]) +
            row(4, [
              ['A4', 's', '4'],
              ['B4', 'inlineStr', '', '<is><t>王伟</t></is>'],
              ['C4', undefined, '3.2010419850302e+17'],
              ['D4', undefined, '0.10000000000000001'],
              ['E4', 'b', '1'],
              ['F4', 'b', '0'],
              ['G4', 'e', '#N/A'],
            ]),
        },
      ],
      sharedStrings: ['秦淮区实有人口登记表', '记录编号', '姓名', '公民身份号码', 'R001'],
    })
    const source = await openTable(path)
    expect(source.format).toBe('xlsx')
    expect(source.sheet).toBe('户籍人口')
    expect(await readAll(source)).toEqual([
      { row: 1, cells: ['秦淮区实有人口登记表'] },
      { row: 3, cells: ['记录编号', '姓名', '公民身份号码'] },
      { row: 4, cells: ['R001', '王伟', '320104198503020000', '0.1', 'TRUE', 'FALSE', '#N/A'] },
    ])
  })

  it('concatenates rich-text runs and leaves out phonetic hints', async () => {
    const path = await writeXlsx(dir.file('rich.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml: row(1, [
            ['A1', 's', '0'],
            ['B1', 'inlineStr', '', '<is><r><t>贡院</t></r><r><t>街</t></r></is>'],
          ]),
        },
      ],
      sharedStrings: [
        '<si><r><t>秦淮</t></r><r><rPr><b/></rPr><t xml:space="preserve">区 </t></r><rPh sb="0" eb="1"><t>qin</t></rPh></si>',
      ],
    })
    expect((await readAll(await openTable(path)))[0]?.cells).toEqual(['秦淮区 ', '贡院街'])
  })

  it('places sparse cells by reference and follows rows and cells without references', async () => {
    const path = await writeXlsx(dir.file('sparse.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml:
            '<row r="2"><c r="C2" t="inlineStr"><is><t>c</t></is></c><c r="AB2"><v>7</v></c></row>' +
            '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row>' +
            '<row r="9" spans="1:3"><c r="B9" s="0"/><c r="C9" t="inlineStr"><is><t>x</t></is></c><c r="D9"/></row>' +
            '<row r="10"><c r="A10"/></row>',
        },
      ],
    })
    const rows = await readAll(await openTable(path))
    expect(rows).toHaveLength(3)
    expect(rows[0]?.row).toBe(2)
    expect(rows[0]?.cells).toEqual(['', '', 'c', ...Array(24).fill(''), '7'])
    expect(rows[1]).toEqual({ row: 3, cells: ['a', '2'] })
    expect(rows[2]).toEqual({ row: 9, cells: ['', '', 'x'] })
  })

  it('turns date-formatted numbers into YYYY-MM-DD (built-in, Chinese built-in and custom formats)', async () => {
    const path = await writeXlsx(dir.file('dates.xlsx'), {
      numFmts: [
        [176, 'yyyy"年"m"月"d"日"'],
        [177, '"day"0'], // quoted letters only: a number
        [178, '[Red][$-804]#,##0.00'],
        [179, 'yyyy/mm/dd hh:mm'],
      ],
      cellXfs: [0, 14, 176, 177, 178, 31, 179],
      sheets: [
        {
          name: 'S',
          rowsXml:
            '<row r="1"><c r="A1" s="1"><v>31108</v></c><c r="B1" s="2"><v>45292</v></c><c r="C1" s="3"><v>45292</v></c>' +
            '<c r="D1" s="4"><v>1234.5</v></c><c r="E1" s="5"><v>36526</v></c><c r="F1" s="6"><v>45292.99999999</v></c>' +
            '<c r="G1" s="0"><v>45292</v></c></row>' +
            '<row r="2"><c r="A2" s="1"><v>59</v></c><c r="B2" s="1"><v>60</v></c><c r="C2" s="1"><v>61</v></c><c r="D2" s="1"><v>1</v></c></row>',
        },
      ],
    })
    const rows = await readAll(await openTable(path))
    expect(rows[0]?.cells).toEqual([
      '1985-03-02',
      '2024-01-01',
      '45292',
      '1234.5',
      '2000-01-01',
      '2024-01-01',
      '45292',
    ])
    expect(rows[1]?.cells).toEqual(['1900-02-28', '1900-02-29', '1900-03-01', '1900-01-01'])
  })

  it('honours the 1904 date system', async () => {
    const path = await writeXlsx(dir.file('d1904.xlsx'), {
      date1904: true,
      cellXfs: [0, 14],
      sheets: [
        {
          name: 'S',
          rowsXml: '<row r="1"><c r="A1" s="1"><v>29646</v></c><c r="B1" s="1"><v>0</v></c></row>',
        },
      ],
    })
    expect((await readAll(await openTable(path)))[0]?.cells).toEqual(['1985-03-02', '1904-01-01'])
  })

  it('gives a formula cell its cached value and lists it in formulaColumns', async () => {
    const path = await writeXlsx(dir.file('formula.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml:
            row(1, [
              ['A1', undefined, '2'],
              ['B1', undefined, '3'],
              ['C1', undefined, '5', '<f>A1+B1</f>'],
              ['D1', 'str', '王伟', '<f>CONCAT("王","伟")</f>'],
            ]) + row(2, [['A2', undefined, '', '<f>NOW()</f>']]),
        },
      ],
    })
    expect(await readAll(await openTable(path))).toEqual([
      { row: 1, cells: ['2', '3', '5', '王伟'], formulaColumns: [2, 3] },
    ])
  })

  it('keeps SQL and HTML verbatim, including XML entities', async () => {
    const sql = "1'; DROP TABLE persons;--"
    const html = '<img src=x onerror="alert(1)">&amp;'
    const path = await writeXlsx(dir.file('verbatim.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml: row(1, [
            ['A1', 's', '0'],
            ['B1', 's', '1'],
          ]),
        },
      ],
      sharedStrings: [sql, html],
    })
    expect((await readAll(await openTable(path)))[0]?.cells).toEqual([sql, html])
  })

  it('chooses a sheet by name or position, and refuses an unknown one', async () => {
    const path = await writeXlsx(dir.file('two.xlsx'), {
      sheets: [
        { name: '说明', rowsXml: row(1, [['A1', 'inlineStr', '', '<is><t>notes</t></is>']]) },
        { name: '数据', rowsXml: row(1, [['A1', 'inlineStr', '', '<is><t>data</t></is>']]) },
      ],
    })
    expect((await readAll(await openTable(path)))[0]?.cells).toEqual(['notes'])
    const byName = await openTable(path, { sheet: '数据' })
    expect(byName.sheet).toBe('数据')
    expect((await readAll(byName))[0]?.cells).toEqual(['data'])
    expect((await readAll(await openTable(path, { sheet: 1 })))[0]?.cells).toEqual(['data'])
    await expect(openTable(path, { sheet: 'missing' })).rejects.toMatchObject({ code: 'SANSHI207' })
  })

  it('streams many rows in batches, in order', async () => {
    let rowsXml = ''
    for (let r = 1; r <= 5000; r++)
      rowsXml += `<row r="${r}"><c r="A${r}"><v>${r}</v></c><c r="B${r}" t="inlineStr"><is><t>名${r}</t></is></c></row>`
    const path = await writeXlsx(dir.file('many.xlsx'), { sheets: [{ name: 'S', rowsXml }] })
    const rows = await readAll(await openTable(path))
    expect(rows).toHaveLength(5000)
    expect(rows[4999]).toEqual({ row: 5000, cells: ['5000', '名5000'] })
    expect(rows.every((r, i) => r.row === i + 1 && r.cells[0] === String(i + 1))).toBe(true)
  })

  it('stops the worker when the consumer stops early', async () => {
    let rowsXml = ''
    for (let r = 1; r <= 20_000; r++) rowsXml += `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`
    const path = await writeXlsx(dir.file('early.xlsx'), { sheets: [{ name: 'S', rowsXml }] })
    let count = 0
    for await (const _ of (await openTable(path)).rows()) if (++count === 1500) break
    expect(count).toBe(1500)
  })

  it('reads a workbook written by a real generator (exceljs streaming writer)', async () => {
    const path = dir.file('exceljs.xlsx')
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useSharedStrings: true,
      useStyles: true,
    })
    const sheet = workbook.addWorksheet('流动人口')
    sheet.addRow(['秦淮区流动人口登记表']).commit()
    sheet.addRow(['记录编号', '姓名', '来本地日期', '联系电话', '备注']).commit()
    const data = sheet.addRow([
      'F001',
      '李娜',
      new Date(Date.UTC(2021, 6, 15)),
      13812345678,
      '<script>x</script>',
    ])
    data.getCell(3).numFmt = 'yyyy"年"m"月"d"日"'
    data.commit()
    const withFormula = sheet.addRow(['F002', { formula: 'B3&"2"', result: '李娜2' }])
    withFormula.commit()
    await workbook.commit()
    const source = await openTable(path)
    expect(source.sheet).toBe('流动人口')
    expect(await readAll(source)).toEqual([
      { row: 1, cells: ['秦淮区流动人口登记表'] },
      { row: 2, cells: ['记录编号', '姓名', '来本地日期', '联系电话', '备注'] },
      { row: 3, cells: ['F001', '李娜', '2021-07-15', '13812345678', '<script>x</script>'] },
      { row: 4, cells: ['F002', '李娜2'], formulaColumns: [1] },
    ])
  })
})
