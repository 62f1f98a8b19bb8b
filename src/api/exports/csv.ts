import type { ListVector, Vector } from './column-page.ts'
import { columnPage } from './page-rows.ts'
import { type ExportColumn, type ExportPages, headerOf } from './columns.ts'

// A spreadsheet runs a cell starting with these as a formula (OWASP CSV injection), full-width forms
// included: Excel on a Chinese system takes ＝ for =.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/
const NEEDS_QUOTES = /[",\r\n]/
const QUOTE = /"/g

/** One text cell: guarded against formulas, then quoted as RFC 4180 asks. */
export const csvText = (s: string): string => {
  const guarded = FORMULA_START.test(s) ? `'${s}` : s
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(QUOTE, '""')}"` : guarded
}

/** A page's bytes, written into one buffer that grows as needed. */
class Bytes {
  buf = Buffer.allocUnsafe(1 << 16)
  end = 0
  room(n: number): void {
    if (this.end + n <= this.buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.end + n))
    this.buf.copy(grown, 0, 0, this.end)
    this.buf = grown
  }
  ascii(s: string): void {
    this.room(s.length)
    for (let i = 0; i < s.length; i++) this.buf[this.end++] = s.charCodeAt(i)
  }
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.end))
    this.end = 0
    return out
  }
}

const QUOTE_BYTE = 0x22

/** FORMULA_START on UTF-8: one ASCII byte, or the three bytes of a full-width ＝＋－＠ (EF BC 9D/8B/8D/A0). */
const startsFormula = (b: Uint8Array, s: number, e: number): boolean => {
  if (s === e) return false
  const c = b[s]!
  if (c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d) return true
  if (c !== 0xef || e - s < 3 || b[s + 1] !== 0xbc) return false
  const d = b[s + 2]!
  return d === 0x9d || d === 0x8b || d === 0x8d || d === 0xa0
}

/** The bytes NEEDS_QUOTES looks for: " , CR LF. */
const SPECIAL = new Uint8Array(256)
for (const c of [QUOTE_BYTE, 0x2c, 0x0d, 0x0a]) SPECIAL[c] = 1

/** csvText on the UTF-8 bytes of a text, which it gives the same bytes as. */
const writeText = (out: Bytes, b: Uint8Array, s: number, e: number): void => {
  out.room(2 * (e - s) + 3)
  const buf = out.buf
  let o = out.end
  const guard = startsFormula(b, s, e)
  if (guard) buf[o++] = 0x27
  // copied as it is until a byte that needs quotes, then written again quoted (rare)
  for (let i = s; i < e; i++) {
    const c = b[i]!
    if (SPECIAL[c] === 1) return writeQuoted(out, b, s, e, guard)
    buf[o++] = c
  }
  out.end = o
}

const writeQuoted = (out: Bytes, b: Uint8Array, s: number, e: number, guard: boolean): void => {
  const buf = out.buf
  let o = out.end
  buf[o++] = QUOTE_BYTE
  if (guard) buf[o++] = 0x27
  for (let i = s; i < e; i++) {
    const c = b[i]!
    buf[o++] = c
    if (c === QUOTE_BYTE) buf[o++] = QUOTE_BYTE
  }
  buf[o++] = QUOTE_BYTE
  out.end = o
}

/** A list's items joined by joinList (a null item as nothing), to be written as one text. */
class Joined {
  buf = Buffer.allocUnsafe(256)
  end = 0
  join(v: ListVector, row: number): void {
    const { offsets, data } = v.items
    const from = v.offsets[row]!
    const to = v.offsets[row + 1]!
    const need = offsets[to]! - offsets[from]! + (to - from)
    if (need > this.buf.length) this.buf = Buffer.allocUnsafe(need * 2)
    let o = 0
    for (let j = from; j < to; j++) {
      if (j > from) this.buf[o++] = 0x3b // ;
      for (let i = offsets[j]!; i < offsets[j + 1]!; i++) this.buf[o++] = data[i]!
    }
    this.end = o
  }
}

const valid = (v: Vector, i: number): boolean =>
  v.bits === undefined || (v.bits[i >> 3]! & (1 << (i & 7))) !== 0

/** Numbers and booleans are written bare: a negative number is data, not a formula. */
const writeCell = (out: Bytes, joined: Joined, v: Vector, i: number): void => {
  if (!valid(v, i)) return
  switch (v.kind) {
    case 'text':
      return writeText(out, v.data, v.offsets[i]!, v.offsets[i + 1]!)
    case 'list':
      joined.join(v, i)
      return writeText(out, joined.buf, 0, joined.end)
    case 'integer':
    case 'float':
      return out.ascii(String(v.values[i]))
    case 'boolean':
      return out.ascii((v.values[i >> 3]! & (1 << (i & 7))) !== 0 ? 'true' : 'false')
  }
}

/**
 * The export as CSV, one chunk per page: UTF-8 with a BOM (Excel on a Chinese Windows reads a CSV
 * without one as GBK), CRLF line ends, a header of the columns' labels. Cells are written from the
 * page's UTF-8 bytes straight into the chunk, no string made per cell.
 */
export async function* csvChunks(
  columns: readonly ExportColumn[],
  pages: ExportPages,
  onRows: (n: number) => void,
): AsyncGenerator<Buffer> {
  yield Buffer.from(`\ufeff${columns.map((c) => csvText(headerOf(c))).join(',')}\r\n`)
  const out = new Bytes()
  const joined = new Joined()
  for await (const page of pages) {
    if (page.length === 0) continue
    const { vectors, length } = columnPage(columns, page)
    for (let i = 0; i < length; i++) {
      for (let j = 0; j < vectors.length; j++) {
        if (j > 0) {
          out.room(1)
          out.buf[out.end++] = 0x2c
        }
        writeCell(out, joined, vectors[j]!, i)
      }
      out.room(2)
      out.buf[out.end++] = 0x0d
      out.buf[out.end++] = 0x0a
    }
    onRows(length)
    yield out.take()
  }
}
