/**
 * The CSV record splitter gives exactly csv-parse's records, whatever the line ends, wherever the text
 * is cut into chunks, and hands over to csv-parse from the first quote on (errors included).
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CsvError } from 'csv-parse'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { CsvRecords } from '../../../src/ingest/read/csv-records.ts'

const MAX = 1000

const viaCsvParse = (text: string, delimiter: string): string[][] =>
  parse(text, {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: MAX,
  })

const viaSplitter = async (chunks: string[], delimiter: string): Promise<string[][]> => {
  const records: string[][] = []
  await pipeline(
    Readable.from(chunks),
    new CsvRecords({ delimiter, maxRecordSize: MAX, onRecord: (c) => records.push(c) }),
  )
  return records
}

/** A seeded generator: the same cases on every run. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}

const cutAt = (text: string, cuts: number[]): string[] => {
  const out: string[] = []
  let from = 0
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(text.slice(from, c))
    from = c
  }
  out.push(text.slice(from))
  return out.filter((c) => c !== '')
}

describe('CsvRecords', () => {
  it('splits unquoted lines as csv-parse does: CRLF, LF, lone CR, empty lines, trailing delimiters, no final line end', async () => {
    const text = '姓名,地址\r\n王伟,贡院街12号\n\n李娜,,\r赵六\r\n\r\n,\n末行,无换行'
    expect(await viaSplitter([text], ',')).toEqual(viaCsvParse(text, ','))
    // every cut, including between the CR and the LF of a CRLF
    for (let cut = 1; cut < text.length; cut++)
      expect(await viaSplitter([text.slice(0, cut), text.slice(cut)], ','), `cut at ${cut}`).toEqual(
        viaCsvParse(text, ','),
      )
  })

  it('gives csv-parse the rest of the text from the first line with a quote, in any chunking', async () => {
    const next = random(7)
    const cells = ['王伟', '', '贡院街12号', '老王"烧烤', '"a,b"', '"多\n行"', '"含""引号"', '"\r\n"', 'x\ty']
    const ends = ['\n', '\r\n', '\r']
    for (let round = 0; round < 200; round++) {
      const delimiter = round % 2 === 0 ? ',' : '\t'
      const lines: string[] = []
      const count = 1 + Math.floor(next() * 12)
      for (let l = 0; l < count; l++) {
        const width = Math.floor(next() * 5)
        // quoted cells only after a few plain lines, so the hand-over happens mid-file
        const pool = l < 3 ? cells.filter((c) => !c.includes('"')) : cells
        const row = Array.from({ length: width }, () => pool[Math.floor(next() * pool.length)]!)
        lines.push(row.join(delimiter) + ends[Math.floor(next() * ends.length)]!)
      }
      const text = lines.join('') + (next() < 0.5 ? '尾' : '')
      const cuts = Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * text.length))
      expect(await viaSplitter(cutAt(text, cuts), delimiter), JSON.stringify(text)).toEqual(
        viaCsvParse(text, delimiter),
      )
    }
  })

  it("fails with csv-parse's own error for a quote that never closes, counting lines from the file's start", async () => {
    const splitter = new CsvRecords({ delimiter: ',', maxRecordSize: MAX, onRecord: () => {} })
    const failure = await pipeline(Readable.from(['a,b\nc,d\n', 'e,"open\nf,g\n']), splitter).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(failure).toBeInstanceOf(CsvError)
    expect((failure as CsvError).code).toBe('CSV_QUOTE_NOT_CLOSED')
    expect(splitter.linesBefore).toBe(2)
    expect(splitter.parserLines).toBeGreaterThan(2)
  })

  it('leaves a line long enough to reach the record size limit to csv-parse, which refuses it', async () => {
    const long = '长'.repeat(Math.ceil(MAX / 3) + 1)
    const failure = await viaSplitter([`a,b\n${long}\n`], ',').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((failure as CsvError).code).toBe('CSV_MAX_RECORD_SIZE')
    // just under: split here, as csv-parse would take it
    const short = '长'.repeat(Math.floor(MAX / 3) - 1)
    expect(await viaSplitter([`a,b\n${short}\n`], ',')).toEqual(viaCsvParse(`a,b\n${short}\n`, ','))
  })
})
