import { SanshiError } from '../errors.ts'

/**
 * Reading `COPY (SELECT …) TO STDOUT` text: rows of tab-separated fields, `\N` for NULL, backslash
 * escapes (PostgreSQL's "Text Format" of COPY). A page of rows stays one buffer, each field a span of
 * it, so a caller copies bytes where it can and makes a string only where it must.
 */

/** COPY takes no parameters: its query's values are written in as literals, quoted here and only here. */
export const sqlLiteral = (value: unknown): string => {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SanshiError('SANSHI599', 'a non-finite number has no SQL literal')
    return String(value)
  }
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new SanshiError('SANSHI599', 'a text value holds a NUL character')
    const quoted = `'${value.replaceAll("'", "''")}'`
    // E'' reads backslashes the same whatever standard_conforming_strings says
    return value.includes('\\') ? `E${quoted.replaceAll('\\', '\\\\')}` : quoted
  }
  if (Array.isArray(value))
    return value.length === 0 ? `'{}'` : `ARRAY[${value.map((v: unknown) => sqlLiteral(v)).join(', ')}]`
  throw new SanshiError('SANSHI599', `a value of type ${typeof value} has no SQL literal`)
}

/**
 * Our own SQL with its $n placeholders replaced by the literals of params. Only for SQL this code base
 * writes, whose text holds no `$` but its placeholders.
 */
export const inlineParams = (sql: string, params: readonly unknown[]): string =>
  sql.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1
    if (i < 0 || i >= params.length) throw new SanshiError('SANSHI599', `no parameter $${n}`)
    return sqlLiteral(params[i])
  })

/** A page of COPY rows: field k of row r is bytes[starts[r * fields + k], ends[…]), NULL where start is -1. */
export interface CopyTextPage {
  bytes: Buffer
  starts: Int32Array
  ends: Int32Array
  rows: number
  fields: number
}

const TAB = 9
const LF = 10
const BACKSLASH = 92

const malformed = (what: string): SanshiError => new SanshiError('SANSHI599', `COPY text: ${what}`)

const hexValue = (c: number): number =>
  c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1

/** Undoes the backslash escapes of bytes[s, e) in place; returns the field's new end. */
export const unescapeField = (b: Buffer, s: number, e: number): number => {
  let w = s
  for (let r = s; r < e; r++) {
    let c = b[r]!
    if (c !== BACKSLASH) {
      b[w++] = c
      continue
    }
    if (++r === e) throw malformed('a field ends in a lone backslash')
    c = b[r]!
    switch (c) {
      case 98: // b
        b[w++] = 8
        break
      case 102: // f
        b[w++] = 12
        break
      case 110: // n
        b[w++] = LF
        break
      case 114: // r
        b[w++] = 13
        break
      case 116: // t
        b[w++] = TAB
        break
      case 118: // v
        b[w++] = 11
        break
      case 120: {
        // x and one or two hex digits; an x without one is itself
        let v = 0
        let digits = 0
        for (; digits < 2 && r + 1 < e; digits++, r++) {
          const h = hexValue(b[r + 1]!)
          if (h < 0) break
          v = v * 16 + h
        }
        b[w++] = digits === 0 ? c : v
        break
      }
      default:
        if (c >= 48 && c <= 55) {
          // one to three octal digits
          let v = c - 48
          for (let d = 1; d < 3 && r + 1 < e && b[r + 1]! >= 48 && b[r + 1]! <= 55; d++)
            v = v * 8 + b[++r]! - 48
          b[w++] = v & 0xff
        } else b[w++] = c // any other escaped character is itself
    }
  }
  return w
}

/** Splits a page of whole rows into its fields, unescaping in place. */
export const splitCopyText = (bytes: Buffer, fields: number, rows: number): CopyTextPage => {
  const total = rows * fields
  const starts = new Int32Array(total)
  const ends = new Int32Array(total)
  const n = bytes.length
  let f = 0
  let lineEnd = fields - 1
  let escaped = false
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!
    // TAB and LF are the only bytes below 11 that COPY leaves unescaped
    if (c > LF) {
      if (c === BACKSLASH) escaped = true
      continue
    }
    if (c !== TAB && c !== LF) continue
    if (f === total) throw malformed('more rows than counted')
    if ((c === LF) !== (f === lineEnd)) throw malformed(`a row does not have ${fields} fields`)
    if (c === LF) lineEnd += fields
    if (escaped) {
      const s = starts[f]!
      if (i - s === 2 && bytes[s + 1] === 78)
        starts[f] = ends[f] = -1 // \N
      else ends[f] = unescapeField(bytes, s, i)
      escaped = false
    } else ends[f] = i
    if (++f < total) starts[f] = i + 1
  }
  if (f !== total) throw malformed('a row is cut short')
  return { bytes, starts, ends, rows, fields }
}

/**
 * COPY text as it arrives (chunks cut anywhere) in pages of `pageRows` rows, the last one shorter. A row
 * ends at a line feed: one inside a value is always escaped.
 */
export async function* copyTextPages(
  chunks: AsyncIterable<Uint8Array>,
  fields: number,
  pageRows: number,
): AsyncGenerator<CopyTextPage> {
  let parts: Uint8Array[] = []
  let rows = 0
  for await (const chunk of chunks) {
    let from = 0
    for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, at + 1)) {
      if (++rows < pageRows) continue
      parts.push(chunk.subarray(from, at + 1))
      yield splitCopyText(Buffer.concat(parts), fields, rows)
      parts = []
      rows = 0
      from = at + 1
    }
    if (from < chunk.length) parts.push(chunk.subarray(from))
  }
  const rest = Buffer.concat(parts)
  if (rest.length > 0 && rest[rest.length - 1] !== LF) throw malformed('the last row is cut short')
  if (rows > 0) yield splitCopyText(rest, fields, rows)
}

const QUOTE = 34

/** Whether bytes[s, e) spell NULL, as an unquoted array item does for a null. */
const isNullWord = (b: Uint8Array, s: number, e: number): boolean =>
  e - s === 4 &&
  (b[s]! | 0x20) === 110 &&
  (b[s + 1]! | 0x20) === 117 &&
  (b[s + 2]! | 0x20) === 108 &&
  (b[s + 3]! | 0x20) === 108

/**
 * The items of a one-dimensional array's text ({a,"b c",NULL}) in bytes[s, e), unescaped in place:
 * `item(start, end)` for each, with start -1 for a null. A multi-dimensional array is refused.
 */
export const arrayItems = (
  b: Buffer,
  s: number,
  e: number,
  item: (start: number, end: number) => void,
): void => {
  // bounds other than 1 are written first: [0:1]={a,b}
  if (b[s] === 91) {
    const eq = b.indexOf(61, s) // [ … =
    s = eq < 0 || eq >= e ? e : eq + 1
  }
  if (e - s < 2 || b[s] !== 123 || b[e - 1] !== 125) throw malformed('an array is not {…}')
  const end = e - 1
  let i = s + 1
  if (i === end) return
  for (;;) {
    const c = b[i]
    if (c === 123) throw malformed('a list holds arrays')
    if (c === QUOTE) {
      const start = ++i
      let w = start
      for (; i < end && b[i] !== QUOTE; i++) b[w++] = b[i] === BACKSLASH ? b[++i]! : b[i]!
      if (i >= end) throw malformed('an array item is not closed')
      item(start, w)
      i++
    } else {
      const start = i
      while (i < end && b[i] !== 44) i++
      if (isNullWord(b, start, i)) item(-1, -1)
      else item(start, i)
    }
    if (i === end) return
    if (b[i] !== 44) throw malformed('array items are not comma-separated')
    i++
  }
}
