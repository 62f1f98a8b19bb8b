import { writeFile } from 'node:fs/promises'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SanshiError } from '../../../src/errors.ts'
import { openTable } from '../../../src/ingest/read/index.ts'
import { makeTempDir, readAll, type TempDir, type TextEncoding, writeText } from './make-files.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

const TABLE =
  '秦淮区实有人口登记表,,,\n记录编号,姓名,公民身份号码,现住地址\nR001,王伟,32010419850302123X,贡院街12号\nR002,張曉明,320104198503021234,夫子庙\n'
const EXPECTED = [
  { row: 1, cells: ['秦淮区实有人口登记表'] },
  { row: 2, cells: ['记录编号', '姓名', '公民身份号码', '现住地址'] },
  { row: 3, cells: ['R001', '王伟', '32010419850302123X', '贡院街12号'] },
  { row: 4, cells: ['R002', '張曉明', '320104198503021234', '夫子庙'] },
]

async function expectSanshiError(promise: Promise<unknown>): Promise<SanshiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SanshiError)
  return error as SanshiError
}

describe('CSV encodings', () => {
  const cases: [TextEncoding, string][] = [
    ['utf-8', 'utf-8'],
    ['utf-8-bom', 'utf-8'],
    ['gbk', 'gb18030'],
    ['gb18030', 'gb18030'],
    ['utf-16le-bom', 'utf-16le'],
  ]
  it.each(cases)('reads %s', async (encoding, detected) => {
    const path = await writeText(dir.file(`enc-${encoding}.csv`), TABLE, encoding)
    const source = await openTable(path)
    expect(source.format).toBe('csv')
    expect(source.encoding).toBe(detected)
    expect(source.delimiter).toBe(',')
    expect(await readAll(source)).toEqual(EXPECTED)
  })

  it('reads GB18030 characters outside GBK (four-byte sequences)', async () => {
    const path = await writeText(dir.file('gb18030-4byte.csv'), '姓名,备注\n𠀀,€\n', 'gb18030')
    expect((await readAll(await openTable(path))).map((r) => r.cells)).toEqual([
      ['姓名', '备注'],
      ['𠀀', '€'],
    ])
  })

  it('honours an encoding the caller gives', async () => {
    const path = await writeText(dir.file('given.csv'), '姓名\n王伟\n', 'gbk')
    const source = await openTable(path, { encoding: 'gbk' })
    expect(source.encoding).toBe('gbk')
    expect((await readAll(source)).map((r) => r.cells)).toEqual([['姓名'], ['王伟']])
    await expect(openTable(path, { encoding: 'no-such-encoding' })).rejects.toMatchObject({
      code: 'SANSHI210',
    })
  })
})

describe('CSV shapes', () => {
  it('detects tab separators, even with commas inside the cells', async () => {
    const path = await writeText(dir.file('tabs.csv'), '姓名\t地址\n王伟\t南京市,秦淮区\n李娜\t贡院街\n')
    const source = await openTable(path)
    expect(source.delimiter).toBe('\t')
    expect((await readAll(source)).map((r) => r.cells)).toEqual([
      ['姓名', '地址'],
      ['王伟', '南京市,秦淮区'],
      ['李娜', '贡院街'],
    ])
  })

  it('detects semicolons', async () => {
    const path = await writeText(dir.file('semi.csv'), 'a;b;c\n1;2;3\n')
    const source = await openTable(path)
    expect(source.delimiter).toBe(';')
    expect((await readAll(source))[1]?.cells).toEqual(['1', '2', '3'])
  })

  it('keeps quoted commas, quotes and newlines, and numbers rows by the line they start on', async () => {
    const text =
      'id,备注,地址\r\n1,"含,逗号","第一行\r\n第二行"\r\n2,"说""你好""",x\r\n3,"a\nb\nc",y\r\n4,last,z'
    const path = await writeText(dir.file('quoted.csv'), text)
    expect(await readAll(await openTable(path))).toEqual([
      { row: 1, cells: ['id', '备注', '地址'] },
      { row: 2, cells: ['1', '含,逗号', '第一行\r\n第二行'] },
      { row: 4, cells: ['2', '说"你好"', 'x'] },
      { row: 5, cells: ['3', 'a\nb\nc', 'y'] },
      { row: 8, cells: ['4', 'last', 'z'] },
    ])
  })

  it('handles LF, CRLF, mixed line ends, blank lines and a last line without newline', async () => {
    const path = await writeText(dir.file('lines.csv'), 'a,b\r\n1,2\n\n3,4\r\n,,\n5,6')
    expect(await readAll(await openTable(path))).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', '2'] },
      { row: 4, cells: ['3', '4'] },
      { row: 6, cells: ['5', '6'] },
    ])
  })

  it('trims empty trailing cells but keeps empty inner cells', async () => {
    const path = await writeText(dir.file('trailing.csv'), 'a,,c,,\n,b,,,\n')
    expect((await readAll(await openTable(path))).map((r) => r.cells)).toEqual([
      ['a', '', 'c'],
      ['', 'b'],
    ])
  })

  it('keeps SQL and HTML in cells verbatim, and a stray quote inside a bare field', async () => {
    const sql = "Robert'); DROP TABLE persons;--"
    const html = '<script>alert(1)</script><b onclick="x">店</b>'
    const path = await writeText(
      dir.file('verbatim.csv'),
      `a,b,c\n${sql},"${html.replace(/"/g, '""')}",老王"烧烤"\n`,
    )
    expect((await readAll(await openTable(path)))[1]?.cells).toEqual([sql, html, '老王"烧烤"'])
  })

  it('gives a header-only file as its one row', async () => {
    const path = await writeText(dir.file('header-only.csv'), '记录编号,姓名,公民身份号码\n', 'gbk')
    expect(await readAll(await openTable(path))).toEqual([
      { row: 1, cells: ['记录编号', '姓名', '公民身份号码'] },
    ])
  })
})

describe('CSV refusals', () => {
  it('refuses an empty file with SANSHI202', async () => {
    const path = dir.file('empty.csv')
    await writeFile(path, '')
    const error = await expectSanshiError(openTable(path))
    expect(error.code).toBe('SANSHI202')
    expect(error.location.file).toBe('empty.csv')
  })

  it('refuses a file holding only a BOM and blank lines with SANSHI202', async () => {
    const path = await writeText(dir.file('bom-only.csv'), '\r\n\r\n', 'utf-8-bom')
    expect((await expectSanshiError(openTable(path))).code).toBe('SANSHI202')
  })

  it('refuses binary garbage named .csv with SANSHI201', async () => {
    const path = dir.file('garbage.csv')
    const bytes = Buffer.alloc(4096)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256
    await writeFile(path, bytes)
    const error = await expectSanshiError(openTable(path))
    expect(error.code).toBe('SANSHI201')
    expect(error.message).toMatch(/not a text table/)
  })

  it('refuses control-byte noise without NUL bytes with SANSHI201', async () => {
    const path = dir.file('control.csv')
    await writeFile(path, Buffer.from('a,b\n\x01\x02\x03\x04\x05,\x06\x07\x08\n'.repeat(50), 'latin1'))
    expect((await expectSanshiError(openTable(path))).code).toBe('SANSHI201')
  })

  it('refuses an HTML page saved as .xls with SANSHI201', async () => {
    const path = await writeText(
      dir.file('fake.xls'),
      '<html><body><table><tr><td>姓名</td></tr></table></body></html>',
    )
    expect((await expectSanshiError(openTable(path))).code).toBe('SANSHI201')
  })

  it('names the line where an unclosed quoted field starts (SANSHI205)', async () => {
    const lines = ['id,name']
    for (let i = 1; i <= 5000; i++) lines.push(`${i},n${i}`)
    lines.push('5001,"never closed', '5002,x', '5003,y')
    const path = await writeText(dir.file('unclosed.csv'), lines.join('\n'))
    const source = await openTable(path)
    let seen = 0
    const error = await expectSanshiError(
      (async () => {
        for await (const _ of source.rows()) seen++
      })(),
    )
    expect(error.code).toBe('SANSHI205')
    expect(error.location).toEqual({ file: 'unclosed.csv', row: 5002 })
    expect(error.message).not.toContain('never')
    expect(seen).toBe(5001)
  })

  it('keeps text after a closing quote verbatim rather than guessing (relaxed quotes)', async () => {
    const path = await writeText(dir.file('bad-close.csv'), 'a,b\n1,2\n3,"x"y\n')
    expect((await readAll(await openTable(path)))[2]).toEqual({ row: 3, cells: ['3', '"x"y'] })
  })

  it('refuses an unclosed quote that runs past the record limit, without reading on (SANSHI205)', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `${i},filler text for the line`).join('\n')
    const path = await writeText(dir.file('unclosed-long.csv'), `a,b\n1,"open\n${body}\n`)
    const error = await expectSanshiError(
      readAll(await openTable(path, { limits: { maxLineBytes: 64 * 1024 } })),
    )
    expect(error.code).toBe('SANSHI205')
    expect(error.location.row).toBe(2)
  })

  it('reports undecodable cells of a mixed-encoding file in badColumns instead of failing', async () => {
    const utf8Part = Buffer.from('编号,姓名,地址\n1,王伟,贡院街\n'.repeat(1), 'utf8')
    const gbkLine = Buffer.concat([
      Buffer.from('2,', 'utf8'),
      iconv.encode('李娜', 'gbk'),
      Buffer.from(',ok\n'),
    ])
    const tail = Buffer.from('3,张三,夫子庙\n', 'utf8')
    const path = dir.file('mixed.csv')
    await writeFile(path, Buffer.concat([utf8Part, gbkLine, tail]))
    const source = await openTable(path)
    expect(source.encoding).toBe('gb18030') // the head holds the GBK line, so it is not valid UTF-8
    const forced = await readAll(await openTable(path, { encoding: 'utf-8' }))
    expect(forced[0]).toEqual({ row: 1, cells: ['编号', '姓名', '地址'] })
    expect(forced[2]).toMatchObject({ row: 3, badColumns: [1] })
    expect(forced[2]?.cells[0]).toBe('2')
    expect(forced[2]?.cells[2]).toBe('ok')
    expect(forced[3]).toEqual({ row: 4, cells: ['3', '张三', '夫子庙'] })
  })

  it('detects UTF-8 from the head and flags GBK lines further down (badColumns)', async () => {
    const head = Buffer.from(`编号,姓名\n${'1,王伟\n'.repeat(40_000)}`, 'utf8') // > 256 KB of valid UTF-8
    const gbk = Buffer.concat([Buffer.from('2,'), iconv.encode('李娜', 'gbk'), Buffer.from('\n')])
    const path = dir.file('late-gbk.csv')
    await writeFile(path, Buffer.concat([head, gbk]))
    const source = await openTable(path)
    expect(source.encoding).toBe('utf-8')
    const rows = await readAll(source)
    expect(rows).toHaveLength(40_002)
    expect(rows.at(-1)).toMatchObject({ row: 40_002, badColumns: [1] })
    expect(rows.at(-2)).toEqual({ row: 40_001, cells: ['1', '王伟'] })
  })

  it('refuses a 50 MB line with SANSHI206 and its row number, without buffering the file', async () => {
    const path = dir.file('long-line.csv')
    const long = Buffer.alloc(50 * 1024 * 1024, 0x61)
    await writeFile(path, Buffer.concat([Buffer.from('a,b\n1,2\n'), long, Buffer.from('\n3,4\n')]))
    const before = process.memoryUsage().rss
    const error = await expectSanshiError(readAll(await openTable(path)))
    expect(error.code).toBe('SANSHI206')
    expect(error.location).toEqual({ file: 'long-line.csv', row: 3 })
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024)
  })

  it('stops reading when the consumer stops early', async () => {
    const path = await writeText(dir.file('early.csv'), 'a\n'.repeat(100_000))
    let count = 0
    for await (const _ of (await openTable(path)).rows()) if (++count === 10) break
    expect(count).toBe(10)
  })
})
