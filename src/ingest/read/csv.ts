import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { TextDecoder } from 'node:util'
import { CsvError } from 'csv-parse'
import iconv from 'iconv-lite'
import { SanshiError } from '../../errors.ts'
import { CsvRecords } from './csv-records.ts'
import { detectDelimiter } from './delimiter.ts'
import { detectEncoding } from './encoding.ts'
import { LineLengthGuard } from './line-guard.ts'
import type { RawRow, ReadLimits, TableSource } from './types.ts'
import { trimTrailingEmpty, withRows } from './types.ts'

/** Rows parsed ahead of the consumer before the parser is paused. */
const QUEUE_HIGH_WATER = 4096
const DELIMITER_SAMPLE_BYTES = 64 * 1024
/** Line breaks inside quoted fields advance the line count; U+FFFD marks bytes the encoding could not decode. */
const NEEDS_A_LOOK = /[\r\n\uFFFD]/
const LINE_BREAK = /\r\n|\r|\n/g

/**
 * Node's own decoder (ICU, native) where it knows the encoding: it decodes GBK about twice as fast as
 * iconv-lite, which stays for the labels ICU lacks. Both turn undecodable bytes into U+FFFD.
 */
class NativeDecoder extends Transform {
  private readonly decoder: TextDecoder
  constructor(label: string) {
    // text passes on as text: in byte mode each decoded string was encoded back to UTF-8 here and decoded
    // again by the reader, two conversions of the whole file for nothing (1.7 s of a million-row load)
    super({ decodeStrings: true, readableObjectMode: true })
    this.decoder = new TextDecoder(label)
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, this.decoder.decode(chunk, { stream: true }))
  }
  override _flush(done: TransformCallback): void {
    done(null, this.decoder.decode())
  }
}

const decoderFor = (encoding: string): Transform => {
  const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding
  try {
    return new NativeDecoder(label)
  } catch {
    return iconv.decodeStream(encoding) as unknown as Transform
  }
}

export function openCsv(
  path: string,
  head: Buffer,
  limits: ReadLimits,
  givenEncoding?: string,
  size = 0,
): TableSource {
  const file = basename(path)
  const { encoding } = detectEncoding(head, givenEncoding, file)
  const sample = iconv.decode(head.subarray(0, DELIMITER_SAMPLE_BYTES), encoding)
  if (sample.replace(/^\uFEFF/, '').trim() === '') {
    throw new SanshiError('SANSHI202', 'the file holds no text', { file })
  }
  const delimiter = detectDelimiter(sample)
  const read = { bytes: 0 }
  return withRows({
    format: 'csv',
    encoding,
    delimiter,
    batches: () => readCsvBatches({ path, file, encoding, delimiter, limits, read }),
    progress: () => (size > 0 ? Math.min(1, read.bytes / size) : 0),
  })
}

interface CsvJob {
  path: string
  file: string
  encoding: string
  delimiter: string
  limits: ReadLimits
  read: { bytes: number }
}

async function* readCsvBatches(job: CsvJob): AsyncGenerator<RawRow[]> {
  const source = createReadStream(job.path, { highWaterMark: 256 * 1024 })
  let queue: RawRow[] = []
  let nextLine = 1 // line on which the next record starts, counted as records arrive
  let finished = false
  let failure: unknown
  let wake: (() => void) | undefined
  const wakeConsumer = () => {
    wake?.()
    wake = undefined
  }

  // Records are counted here, synchronously, so an error always knows on which line the failing record began.
  const onRecord = (cells: string[]) => {
    const row = nextLine
    let badColumns: number[] | undefined
    let breaks = 0
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!
      if (cell.length === 0 || !NEEDS_A_LOOK.test(cell)) continue
      if (cell.includes('\uFFFD')) {
        badColumns ??= []
        badColumns.push(i)
      }
      const found = cell.match(LINE_BREAK)
      if (found) breaks += found.length
    }
    nextLine += 1 + breaks
    trimTrailingEmpty(cells)
    if (cells.length === 0) return
    queue.push(badColumns ? { row, cells, badColumns } : { row, cells })
    if (queue.length >= QUEUE_HIGH_WATER) parser.pause()
    wakeConsumer()
  }
  const parser = new CsvRecords({
    delimiter: job.delimiter,
    maxRecordSize: job.limits.maxLineBytes,
    onRecord,
  })

  const guard = new LineLengthGuard(job.limits.maxLineBytes, job.file, job.read)
  pipeline(source, guard, decoderFor(job.encoding), parser).then(
    () => {
      finished = true
      wakeConsumer()
    },
    (error: unknown) => {
      failure ??= toSanshiError(error, job, nextLine, parser.parserLines)
      wakeConsumer()
    },
  )

  try {
    while (true) {
      if (queue.length > 0) {
        const batch = queue
        queue = []
        if (parser.isPaused()) parser.resume()
        yield batch
      } else if (failure !== undefined) {
        throw failure
      } else if (finished) {
        return
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    }
  } finally {
    // The consumer may stop early; release the file handle.
    source.destroy()
    parser.destroy()
  }
}

function toSanshiError(
  error: unknown,
  job: CsvJob,
  recordStartLine: number,
  currentLine: number,
): SanshiError {
  if (error instanceof SanshiError) return error
  const location = { file: job.file, row: recordStartLine }
  if (error instanceof CsvError) {
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new SanshiError(
          'SANSHI205',
          `a quoted field starting on line ${recordStartLine} is not closed properly`,
          location,
          'every field that opens with " must close with "; a " inside a field is written ""',
        )
      case 'CSV_MAX_RECORD_SIZE':
        // A record that runs over many lines up to the limit is nearly always a quote that never closes.
        if (currentLine > recordStartLine) {
          return new SanshiError(
            'SANSHI205',
            `a quoted field starting on line ${recordStartLine} does not close within ${job.limits.maxLineBytes} bytes`,
            location,
            'every field that opens with " must close with "',
          )
        }
        return new SanshiError(
          'SANSHI206',
          `record is longer than ${job.limits.maxLineBytes} bytes`,
          location,
        )
    }
    return new SanshiError('SANSHI205', `the CSV cannot be parsed (${error.code})`, location)
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return new SanshiError('SANSHI201', `the file cannot be read${code ? ` (${code})` : ''}`, {
    file: job.file,
  })
}
