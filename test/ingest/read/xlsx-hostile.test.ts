/** Workbooks built to hurt: zip bombs, prototype-pollution keys, DTDs, bogus references. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SanshiError } from '../../../src/errors.ts'
import { openTable } from '../../../src/ingest/read/index.ts'
import { makeTempDir, readAll, type TempDir, writeXlsx, writeZip } from './make-files.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

async function failure(run: () => Promise<unknown>): Promise<SanshiError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SanshiError)
  return error as SanshiError
}

const oneCell = '<row r="1"><c r="A1" t="inlineStr"><is><t>ok</t></is></c></row>'

describe('XLSX zip bombs', () => {
  it('stops when the total inflated size passes the cap (SANSHI207)', async () => {
    // 40 MB of whitespace inside the sheet: compresses ~1000×, well-formed XML.
    const padding = ' '.repeat(40 * 1024 * 1024)
    const path = await writeXlsx(dir.file('bomb-total.xlsx'), {
      sheets: [{ name: 'S', rowsXml: `${oneCell}${padding}` }],
      level: 9,
    })
    const started = Date.now()
    const error = await failure(async () =>
      readAll(
        await openTable(path, { limits: { maxInflatedBytes: 4 * 1024 * 1024, maxCompressionRatio: 10_000 } }),
      ),
    )
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/inflates to more than/)
    expect(error.location.file).toBe('bomb-total.xlsx')
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('stops an entry that compresses better than the ratio cap (SANSHI207)', async () => {
    const padding = ' '.repeat(20 * 1024 * 1024)
    const path = await writeXlsx(dir.file('bomb-ratio.xlsx'), {
      sheets: [{ name: 'S', rowsXml: `${oneCell}${padding}` }],
      level: 9,
    })
    const error = await failure(async () => readAll(await openTable(path)))
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/zip bomb/)
  })

  it('refuses a zip with too many entries (SANSHI207)', async () => {
    const parts: Record<string, string> = {}
    for (let i = 0; i < 60; i++) parts[`junk/${i}.xml`] = '<a/>'
    const path = dir.file('entries.xlsx')
    await writeZip(path, parts)
    const error = await failure(() => openTable(path, { limits: { maxZipEntries: 50 } }))
    expect(error.code).toBe('SANSHI207')
  })

  it('caps the shared strings part (SANSHI207)', async () => {
    const strings = Array.from({ length: 20_000 }, (_, i) => `字符串${i}`)
    const path = await writeXlsx(dir.file('sst.xlsx'), {
      sheets: [{ name: 'S', rowsXml: oneCell }],
      sharedStrings: strings,
    })
    const error = await failure(async () =>
      readAll(await openTable(path, { limits: { maxSharedStringsBytes: 64 * 1024 } })),
    )
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/sharedStrings/)
  })

  it('refuses a zip that is not a workbook (SANSHI207)', async () => {
    const path = dir.file('not-a-workbook.xlsx')
    await writeZip(path, { 'word/document.xml': '<w/>' })
    expect((await failure(() => openTable(path))).code).toBe('SANSHI207')
  })
})

describe('XLSX prototype pollution and crafted markup', () => {
  it('reads __proto__/constructor/prototype names as plain data and pollutes nothing', async () => {
    const evil = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty']
    const path = await writeXlsx(dir.file('proto.xlsx'), {
      sheets: [
        {
          name: '__proto__',
          rowsXml:
            '<row r="1" __proto__="x" constructor="y"><c r="A1" t="s" __proto__="polluted" prototype="1"><v>0</v></c>' +
            '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>' +
            '<row r="2"><c r="A2" t="inlineStr" polluted="yes"><is><t>{"__proto__":{"polluted":true}}</t></is></c></row>',
        },
        { name: 'constructor', rowsXml: oneCell },
      ],
      sharedStrings: evil,
      numFmts: [[176, '__proto__']],
      cellXfs: [0, 176],
      extraParts: {
        'xl/__proto__.xml': '<polluted __proto__="1"/>',
      },
    })
    const source = await openTable(path)
    expect(source.sheet).toBe('__proto__')
    expect(await readAll(source)).toEqual([
      { row: 1, cells: evil },
      { row: 2, cells: ['{"__proto__":{"polluted":true}}'] },
    ])
    const second = await openTable(path, { sheet: 'constructor' })
    expect((await readAll(second))[0]?.cells).toEqual(['ok'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })

  it('refuses a DTD, so no entity expansion can happen (SANSHI207)', async () => {
    const path = await writeXlsx(dir.file('dtd.xlsx'), {
      sheets: [{ name: 'S', rowsXml: oneCell }],
      extraParts: {
        'xl/sharedStrings.xml':
          '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><sst><si><t>&b;</t></si></sst>',
      },
    })
    const error = await failure(async () => readAll(await openTable(path)))
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/DTD/)
  })

  it('refuses cell references out of range or out of order, naming the row (SANSHI207)', async () => {
    const huge = await writeXlsx(dir.file('ref-huge.xlsx'), {
      sheets: [{ name: 'S', rowsXml: '<row r="3"><c r="ZZZZZZZ3"><v>1</v></c></row>' }],
    })
    const hugeError = await failure(async () => readAll(await openTable(huge)))
    expect(hugeError.code).toBe('SANSHI207')
    expect(hugeError.message).toMatch(/row 3/)
    const backwards = await writeXlsx(dir.file('ref-back.xlsx'), {
      sheets: [{ name: 'S', rowsXml: '<row r="5"><c r="C5"><v>1</v></c><c r="A5"><v>2</v></c></row>' }],
    })
    expect((await failure(async () => readAll(await openTable(backwards)))).code).toBe('SANSHI207')
    const bigRow = await writeXlsx(dir.file('row-huge.xlsx'), {
      sheets: [{ name: 'S', rowsXml: '<row r="99999999"/>' }],
    })
    expect((await failure(async () => readAll(await openTable(bigRow)))).code).toBe('SANSHI207')
  })

  it('refuses malformed XML without quoting the file', async () => {
    const path = await writeXlsx(dir.file('malformed.xlsx'), {
      sheets: [
        {
          name: 'S',
          rowsXml: '<row r="1"><c r="A1" t="inlineStr"><is><t>王伟 320104198503021234</t></is></row>',
        },
      ],
    })
    const error = await failure(async () => readAll(await openTable(path)))
    expect(error.code).toBe('SANSHI207')
    expect(error.message).not.toMatch(/王伟|3201/)
  })

  it('kills a worker that runs out of its heap (SANSHI207)', async () => {
    const strings = Array.from({ length: 400_000 }, (_, i) => `人员姓名与地址${i}`.repeat(4))
    const path = await writeXlsx(dir.file('heap.xlsx'), {
      sheets: [{ name: 'S', rowsXml: oneCell }],
      sharedStrings: strings,
    })
    const error = await failure(async () =>
      readAll(await openTable(path, { limits: { maxWorkerHeapMb: 16 } })),
    )
    expect(error.code).toBe('SANSHI207')
    expect(error.message).toMatch(/more than 16 MB/)
  })

  it('kills a worker that stalls (SANSHI211)', async () => {
    let rowsXml = ''
    for (let r = 1; r <= 30_000; r++) rowsXml += `<row r="${r}"><c r="A${r}"><v>${r}</v></c></row>`
    const path = await writeXlsx(dir.file('slow.xlsx'), { sheets: [{ name: 'S', rowsXml }] })
    const error = await failure(async () =>
      readAll(await openTable(path, { limits: { stallTimeoutMs: 1, timeoutMs: 1 } })),
    )
    expect(error.code).toBe('SANSHI211')
  })
})
