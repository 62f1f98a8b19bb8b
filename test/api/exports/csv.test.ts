import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { csvText } from '../../../src/api/exports/csv.ts'
import { exportStream } from '../../../src/api/exports/index.ts'
import { collect, COLUMNS, EDGE_ROWS, pagesOf } from './support.ts'

const csvOf = async (rows = EDGE_ROWS, columns = COLUMNS) =>
  collect(exportStream('csv', columns, pagesOf(rows, 5)))

describe('CSV export', () => {
  it('round-trips every edge case through csv-parse', async () => {
    const records = parse(await csvOf(), { bom: true, relax_column_count: false }) as string[][]
    expect(records).toEqual([
      ['id', '姓名', '出生日期', 'phones', 'floor', 'confidence', 'rented'],
      ['P1', '张三', '1990-05-12', '138****5678;025-8888****', '3', '0.97', 'true'],
      ['P2', '欧阳𠀀', '1990', '', '-2', '-1.5', 'false'],
      ['P3', '', '', '', '', '', ''],
      ['P4', '', '', '', '', '', ''],
      ['P5', '他说"你好",然后走了', '1990-05', 'a,b;c"d', '', '', ''],
      ['P6', 'line one\nline two', '', 'x\r\ny', '', '', ''],
      ['P7', "'=1+2", '', "'=cmd|' /C calc'!A0", '', '', ''],
      ['P8', "'+86 25", "'-1", "'-5;@SUM(A1)", '', '', ''],
      ['P9', "'@me", '', "'\tx;＝1", '', '', ''],
      ['P10', "'-", '', '', '9007199254740993', '2.5', ''],
      ['P11', '', '', ';;z', '9007199254740993', '', ''],
      ['P12', '  spaced  ', '', '', '', '', ''],
    ])
  })

  it('writes UTF-8 with a BOM, CRLF line ends and RFC 4180 quotes', async () => {
    const bytes = await csvOf()
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = bytes.toString('utf8').slice(1)
    expect(text.startsWith('id,姓名,出生日期,phones,floor,confidence,rented\r\n')).toBe(true)
    expect(text.endsWith('P12,  spaced  ,,,,,\r\n')).toBe(true)
    expect(text).toContain('P5,"他说""你好"",然后走了",1990-05,"a,b;c""d",,,\r\n')
    expect(text).toContain('"line one\nline two"')
    // every bare LF sits inside a quoted cell: outside quotes, lines end CRLF
    expect(text.replace(/"(?:[^"]|"")*"/g, '').match(/[^\r]\n/g)).toBeNull()
  })

  it.each([
    ['=1+2', "'=1+2"],
    ['+86', "'+86"],
    ['-5', "'-5"], // text: a negative-looking text is guarded; only numeric columns are not
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['＝1+2', "'＝1+2"],
    ['＋1', "'＋1"],
    ['－1', "'－1"],
    ['＠x', "'＠x"],
    ['a=1', 'a=1'],
    ['张三', '张三'],
    ['', ''],
    ['=a,b', `"'=a,b"`],
    ['say "hi"', '"say ""hi"""'],
  ])('formula guard and quoting: %j → %j', (input, expected) => {
    expect(csvText(input)).toBe(expected)
  })

  it('writes negative numbers in numeric columns bare', async () => {
    const text = (
      await csvOf(
        [{ n: -5, f: -0.25 }],
        [
          { name: 'n', type: 'integer' },
          { name: 'f', type: 'float' },
        ],
      )
    ).toString()
    expect(text).toBe('\ufeffn,f\r\n-5,-0.25\r\n')
  })

  it('guards a header label like a cell', async () => {
    const text = (await csvOf([], [{ name: 'x', type: 'text', label: '=HYPERLINK("x")' }])).toString()
    expect(text).toBe(`\ufeff"'=HYPERLINK(""x"")"\r\n`)
  })

  it('writes the header alone for an empty export', async () => {
    const records = parse(await csvOf([]), { bom: true }) as string[][]
    expect(records).toEqual([['id', '姓名', '出生日期', 'phones', 'floor', 'confidence', 'rented']])
  })
})
