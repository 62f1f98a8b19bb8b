import { describe, expect, it } from 'vitest'
import { TextBuilder } from '../../../src/api/exports/column-page.ts'
import { columnPage, rowsOf } from '../../../src/api/exports/page-rows.ts'
import { exportStream } from '../../../src/api/exports/index.ts'
import { collect, COLUMNS, EDGE_ROWS, manyRows, pagesOf } from './support.ts'

describe('column pages', () => {
  it('write the bytes their rows write, in every format', async () => {
    for (const rows of [EDGE_ROWS, manyRows(40)]) {
      const pages = pagesOf(rows, 5)
      for (const format of ['csv', 'arrow', 'xlsx'] as const) {
        const asRows = await collect(exportStream(format, COLUMNS, pages))
        const asColumns = await collect(
          exportStream(
            format,
            COLUMNS,
            pages.map((p) => columnPage(COLUMNS, p)),
          ),
        )
        expect(Buffer.compare(asColumns, asRows), format).toBe(0)
      }
    }
  })

  it('read back as the rows they were made of, a missing key as null and numbers as read', () => {
    const page = columnPage(COLUMNS, EDGE_ROWS)
    const back = rowsOf(COLUMNS, page)
    expect(back[0]).toEqual({ ...EDGE_ROWS[0] })
    expect(back[3]).toEqual({
      id: 'P4',
      name: null,
      birthDate: null,
      phones: null,
      floor: null,
      confidence: null,
      rented: null,
    })
    // digit strings and numeric text are read as the column's type
    expect(back[9]).toMatchObject({ floor: 9007199254740993n, confidence: 2.5 })
    expect(back[10]!.phones).toEqual(['', null, 'z'])
  })

  it('grow a text column past its first guess, bytes and strings alike', () => {
    const b = new TextBuilder(2, 1)
    const long = Buffer.from('张'.repeat(100))
    b.appendBytes(long, 0, long.length)
    b.appendString('𠀀'.repeat(50))
    b.appendNull()
    b.appendJoined(Buffer.from('秦淮区'), long, 0, 3)
    const v = b.finish()
    expect(v.length).toBe(4)
    expect(v.nulls).toBe(1)
    const text = (i: number) => Buffer.from(v.data).toString('utf8', v.offsets[i], v.offsets[i + 1])
    expect([text(0), text(1), text(3)]).toEqual(['张'.repeat(100), '𠀀'.repeat(50), '秦淮区张'])
    expect(v.offsets[3]).toBe(v.offsets[2])
  })
})
