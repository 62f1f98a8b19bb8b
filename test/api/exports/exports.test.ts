import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  EXPORT_FORMATS,
  type ExportColumn,
  type ExportFormat,
  exportStream,
  isExportFormat,
  writeExport,
} from '../../../src/api/exports/index.ts'
import { isSanshiError } from '../../../src/errors.ts'
import { collect, COLUMNS, manyRows, pagesOf, trackedPages } from './support.ts'

const FORMATS: ExportFormat[] = ['csv', 'xlsx', 'arrow']

/** A destination that takes one chunk at a time, slowly, and counts them. */
const slowSink = () => {
  const sink = { writes: 0, bytes: 0 }
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      sink.writes++
      sink.bytes += chunk.length
      setTimeout(done, 2)
    },
  })
  return { sink, stream }
}

describe.each(FORMATS)('%s export stream', (format) => {
  it('pulls a page only when the destination has taken the last one', async () => {
    const rows = manyRows(30 * 20)
    const { sink, stream } = slowSink()
    const lags: number[] = []
    const { state, pages } = trackedPages(rows, 20)
    const watched = (async function* () {
      for await (const page of pages) {
        lags.push(state.pulled - sink.writes) // pages pulled but not yet written
        yield page
      }
    })()
    const { rows: written } = await writeExport(format, COLUMNS, watched, stream)
    expect(written).toBe(rows.length)
    expect(state.pulled).toBe(30)
    expect(Math.max(...lags)).toBeLessThanOrEqual(2)
  })

  it('gives the same bytes for the same pages', async () => {
    const rows = manyRows(100)
    const first = await collect(exportStream(format, COLUMNS, pagesOf(rows, 7)))
    const second = await collect(exportStream(format, COLUMNS, pagesOf(rows, 7)))
    expect(first.equals(second)).toBe(true)
    expect(first.length).toBeGreaterThan(1000)
  })

  it('closes the pages when the reader goes away', async () => {
    const { state, pages } = trackedPages(manyRows(1000), 10)
    const stream = exportStream(format, COLUMNS, pages)
    // read until the writer is inside the pages (XLSX writes parts of its own first)
    for await (const _ of stream) if (state.pulled >= 2) break // break destroys the stream
    stream.destroy()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(state.closed).toBe(true)
    expect(state.pulled).toBeLessThan(100)
  })

  it('fails the write when reading the pages fails', async () => {
    async function* failing() {
      yield manyRows(3)
      throw new Error('connection lost')
    }
    const { stream } = slowSink()
    await expect(writeExport(format, COLUMNS, failing(), stream)).rejects.toThrow('connection lost')
  })

  it('counts the rows written', async () => {
    const stream = exportStream(format, COLUMNS, pagesOf(manyRows(23), 5))
    await collect(stream)
    expect(stream.rows).toBe(23)
  })
})

describe('export columns and values', () => {
  const refusal = async (column: ExportColumn, value: unknown, format: ExportFormat) => {
    try {
      await collect(exportStream(format, [column], [[{ [column.name]: value }]]))
    } catch (e) {
      return e
    }
    throw new Error('not refused')
  }

  it.each([
    [
      { name: 'idNumber', type: 'text' },
      { secret: '110101199001011234' },
      /idNumber \(text\) cannot hold a value of type object/,
    ],
    [
      { name: 'phones', type: 'text[]' },
      '13800000000',
      /phones \(text\[\]\) cannot hold a value of type string/,
    ],
    [{ name: 'floor', type: 'integer' }, 1.5, /non-integer number/],
    [{ name: 'floor', type: 'integer' }, '12a', /floor \(integer\) cannot hold a value of type string/],
    [{ name: 'area', type: 'float' }, Number.NaN, /non-finite number/],
    [{ name: 'area', type: 'float' }, 'abc', /area \(float\)/],
    [{ name: 'rented', type: 'boolean' }, 'true', /rented \(boolean\)/],
    [{ name: 'birthDate', type: 'date' }, new Date(0), /select dates as text/],
  ] as [ExportColumn, unknown, RegExp][])(
    'refuses %j holding a wrong value, naming the column only',
    async (column, value, message) => {
      for (const format of FORMATS) {
        const e = await refusal(column, value, format)
        expect(isSanshiError(e) && e.code).toBe('SANSHI599')
        expect((e as Error).message).toMatch(message)
        expect((e as Error).message).not.toMatch(/1101011990|13800000000|12a|abc/)
      }
    },
  )

  it.each([
    [[], /at least one column/],
    [
      [
        { name: 'a', type: 'text' },
        { name: 'a', type: 'integer' },
      ],
      /a is listed twice/,
    ],
    [[{ name: 'a', type: 'json' }], /unknown type/],
    [[{ name: '', type: 'text' }], /no name/],
  ] as [ExportColumn[], RegExp][])('refuses the columns %j before any byte', (columns, message) => {
    expect(() => exportStream('csv', columns, [])).toThrow(message)
  })

  it('refuses an unknown format before any byte', () => {
    expect(() => exportStream('json' as ExportFormat, COLUMNS, [])).toThrow(/unknown export format/)
    expect(isExportFormat('json')).toBe(false)
    expect(isExportFormat('toString')).toBe(false)
    expect(FORMATS.every(isExportFormat)).toBe(true)
  })

  it('names a content type and an extension per format', () => {
    expect(EXPORT_FORMATS).toEqual({
      csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
      xlsx: {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        extension: 'xlsx',
      },
      arrow: { contentType: 'application/vnd.apache.arrow.stream', extension: 'arrows' },
    })
  })

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'refuses a column named %j, which every row would inherit',
    (name) => {
      expect(() => exportStream('csv', [{ name, type: 'text' }], [[{}]])).toThrow(/named like a property/)
    },
  )
})
