import { Writable } from 'node:stream'
import { parse, type Parser } from 'csv-parse'

/**
 * V8 makes a substring of 13 characters or more a view into its parent: a cell kept for long (a
 * record id among those seen, a cache key) would keep the whole decoded chunk it came from alive, and
 * a million-row file would stay in memory. Shorter ones are copies already.
 */
const SLICE_MIN = 13
/** A copy of the text that holds on to nothing else (a slice of a concatenation flattens it first). */
const detach = (text: string): string => ` ${text}`.slice(1)

export interface CsvRecordsOptions {
  delimiter: string
  /** csv-parse's max_record_size */
  maxRecordSize: number
  /** each record's cells, in file order, as csv-parse gives them */
  onRecord: (cells: string[]) => void
}

/**
 * Decoded CSV text to records. A line with no quote is split on the delimiter here: that is all
 * csv-parse does with it, at a fraction of the cost (it re-encodes the text to bytes and back). From
 * the first line holding a quote, or one long enough to reach csv-parse's size check, the rest of the
 * text goes to csv-parse as the whole file used to, so quoting, its errors and its limits are
 * csv-parse's own. Line ends are csv-parse's too: CRLF, LF and a lone CR.
 */
export class CsvRecords extends Writable {
  /** physical lines split here before csv-parse took over: its line count starts after them */
  linesBefore = 0
  private rest = ''
  private parser: Parser | undefined
  private paused = false
  private held: (() => void) | undefined

  constructor(private readonly opts: CsvRecordsOptions) {
    super({ decodeStrings: false })
  }

  /** Lines csv-parse has counted, from the start of the file; 0 until it takes over. */
  get parserLines(): number {
    return this.parser ? this.linesBefore + this.parser.info.lines : 0
  }

  /** The consumer has enough records for now: no more text is taken until resume(). */
  pause(): void {
    this.paused = true
    this.parser?.pause()
  }

  resume(): void {
    this.paused = false
    this.parser?.resume()
    const held = this.held
    this.held = undefined
    held?.()
  }

  isPaused(): boolean {
    return this.paused
  }

  override _write(chunk: string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.parser) {
      this.toParser(chunk, done)
      return
    }
    const text = this.rest + chunk
    const from = this.split(text, false)
    if (from >= 0) {
      this.toParser(text.slice(from), done, this.takeOver())
      return
    }
    if (this.paused) this.held = () => done()
    else done()
  }

  override _final(done: (error?: Error | null) => void): void {
    let parser = this.parser
    if (!parser) {
      const text = this.rest
      const from = this.split(text, true)
      if (from < 0) {
        done()
        return
      }
      parser = this.takeOver()
      parser.write(text.slice(from))
    }
    parser.once('end', () => done())
    parser.end()
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.parser?.destroy()
    done(error)
  }

  /**
   * Splits the complete unquoted lines of `text` into records. Returns -1 when done (what is left
   * waits in `rest` for the next chunk), or the offset of the line that csv-parse must read from.
   */
  private split(text: string, final: boolean): number {
    const { delimiter, maxRecordSize, onRecord } = this.opts
    const n = text.length
    let i = 0
    let cr = text.indexOf('\r')
    let lf = text.indexOf('\n')
    while (i < n) {
      if (cr !== -1 && cr < i) cr = text.indexOf('\r', i)
      if (lf !== -1 && lf < i) lf = text.indexOf('\n', i)
      let end: number
      let next: number
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // a CR ends the record, with the LF after it if any: one that may come in the next chunk
        if (cr === n - 1 && !final) break
        end = cr
        next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1
      } else if (lf !== -1) {
        end = lf
        next = lf + 1
      } else {
        if (!final) break
        end = n
        next = n
      }
      const line = text.slice(i, end)
      // a UTF-16 unit is at most 3 bytes in csv-parse's buffer: only longer lines could reach its limit
      if (line.includes('"') || line.length * 3 > maxRecordSize) {
        this.rest = ''
        return i
      }
      const cells = line.split(delimiter)
      for (let c = 0; c < cells.length; c++) if (cells[c]!.length >= SLICE_MIN) cells[c] = detach(cells[c]!)
      onRecord(cells)
      this.linesBefore++
      i = next
    }
    this.rest = text.slice(i)
    return -1
  }

  private takeOver(): Parser {
    const parser = parse({
      delimiter: this.opts.delimiter,
      // Mixed line ends occur when exports are appended to; CRLF must come before CR.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // A stray quote inside an unquoted field (店名 老王"烧烤") is kept as text, as Excel does.
      relax_quotes: true,
      max_record_size: this.opts.maxRecordSize,
    })
    parser.on('data', this.opts.onRecord)
    parser.on('error', (error) => this.destroy(error))
    if (this.paused) parser.pause()
    this.parser = parser
    return parser
  }

  private toParser(text: string, done: (error?: Error | null) => void, parser = this.parser!): void {
    if (parser.write(text)) done()
    else parser.once('drain', () => done())
  }
}
