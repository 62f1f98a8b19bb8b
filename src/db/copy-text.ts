import type { CopyRows } from './types.ts'

/*
 * COPY text format encoding (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format").
 * Columns are encoded by their real type, looked up once per table, because a JS array means a
 * PostgreSQL array for text[] but a JSON array for jsonb.
 */

export type ColumnKind = 'scalar' | 'array' | 'json' | 'bytea'
type Encoder = (value: unknown) => string

const NULL = '\\N'
const SPECIAL = /[\\\t\n\r]/
const SPECIAL_ALL = /[\\\t\n\r]/g
const REPLACEMENT: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/** Escape a field's text: backslash, tab (the delimiter), newline and carriage return. */
export function escapeCopy(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => REPLACEMENT[c]!) : text
}

function scalarText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value
    case 'number':
      // NaN and ±Infinity are spelled the way float8 input accepts them.
      return Number.isNaN(value)
        ? 'NaN'
        : value === Infinity
          ? 'Infinity'
          : value === -Infinity
            ? '-Infinity'
            : String(value)
    case 'bigint':
      return value.toString()
    case 'boolean':
      return value ? 't' : 'f'
    default:
      if (value instanceof Date) return value.toISOString()
      return JSON.stringify(value)
  }
}

/** An array literal: every non-null element double-quoted, so commas, braces and quotes are safe. */
export function arrayLiteral(values: readonly unknown[]): string {
  const parts: string[] = []
  for (const v of values) {
    if (v === null || v === undefined) parts.push('NULL')
    else if (Array.isArray(v)) parts.push(arrayLiteral(v))
    else parts.push('"' + scalarText(v).replace(/[\\"]/g, '\\$&') + '"')
  }
  return '{' + parts.join(',') + '}'
}

function hex(bytes: Uint8Array): string {
  return '\\\\x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/**
 * JSON text as JSON.stringify writes it holds no raw tab, newline or carriage return (it escapes every
 * control character), so of COPY's specials only its backslashes need doubling, and most texts have none.
 */
const escapeJsonCopy = (json: string): string => (json.includes('\\') ? json.replace(/\\/g, '\\\\') : json)

/**
 * A json/jsonb value already serialised: written as it is instead of being JSON-encoded again, so a
 * caller that built the text (the ingest's raw record, in the file's column order) pays for it once.
 * It must be built as JSON.stringify builds (from its pieces, no pretty-printing): see escapeJsonCopy.
 */
export class JsonText {
  constructor(readonly json: string) {}
}

const encoders: Record<ColumnKind, Encoder> = {
  scalar: (v) => (v === null || v === undefined ? NULL : escapeCopy(scalarText(v))),
  // JS null is SQL NULL, not the JSON null; any other value (string included) is JSON-encoded.
  json: (v) =>
    v === null || v === undefined ? NULL : escapeJsonCopy(v instanceof JsonText ? v.json : JSON.stringify(v)),
  array: (v) => {
    if (v === null || v === undefined) return NULL
    if (!Array.isArray(v)) throw new TypeError('copyInto: array column given a non-array value')
    return escapeCopy(arrayLiteral(v))
  },
  bytea: (v) => {
    if (v === null || v === undefined) return NULL
    if (v instanceof Uint8Array) return hex(v)
    return escapeCopy(scalarText(v))
  },
}

/** Which of a row's columns an encoder writes, and whether it ends the line. */
export interface EncodedPart {
  /** first column written (default 0) */
  from?: number
  /** column past the last one written (default: all) */
  to?: number
  /** end with '\n' (default true) */
  newline?: boolean
}

/**
 * Build one function that turns a row into its COPY line (with the trailing newline), or into the part
 * of it between two columns: a caller that writes some columns itself encodes only the rest, rather
 * than slicing stand-ins off a whole line, which copies the line once more.
 */
export function rowEncoder(
  kinds: ColumnKind[],
  table: string,
  part: EncodedPart = {},
): (row: unknown[], index: number) => string {
  const enc = kinds.map((k) => encoders[k])
  const n = enc.length
  const from = part.from ?? 0
  const to = part.to ?? n
  const end = part.newline === false ? '' : '\n'
  return (row, index) => {
    if (row.length !== n) {
      // Only positions and counts in the message: rows hold personal data.
      throw new RangeError(`copyInto ${table}: row ${index} has ${row.length} values, expected ${n}`)
    }
    let line = enc[from]!(row[from])
    for (let i = from + 1; i < to; i++) line += '\t' + enc[i]!(row[i])
    return line + end
  }
}

export interface Chunk {
  text: string
  rows: number
}

/** Group encoded rows into chunks of at most maxRows rows or about maxChars characters. */
export async function* chunks(
  rows: CopyRows,
  encode: (row: unknown[], index: number) => string,
  maxRows: number,
  maxChars: number,
): AsyncGenerator<Chunk> {
  // Plain concatenation: V8 builds a rope and flattens it once when the chunk is written,
  // measured faster than collecting lines in an array and joining.
  let text = ''
  let count = 0
  let index = 0
  const add = (row: unknown[]): Chunk | undefined => {
    text += encode(row, index++)
    count++
    if (count < maxRows && text.length < maxChars) return undefined
    const chunk = { text, rows: count }
    text = ''
    count = 0
    return chunk
  }
  if (Symbol.iterator in rows) {
    // A sync source is walked without an await per row, which is markedly cheaper.
    for (const row of rows) {
      const chunk = add(row)
      if (chunk) yield chunk
    }
  } else {
    for await (const row of rows) {
      const chunk = add(row)
      if (chunk) yield chunk
    }
  }
  if (count > 0) yield { text, rows: count }
}

/** Quote a possibly schema-qualified table name and a column list for a COPY statement. */
export function copyTarget(table: string, columns: string[]): string {
  return `${quoteTable(table)} (${columns.map(ident).join(', ')})`
}

const ident = (s: string) => '"' + s.replace(/"/g, '""') + '"'
export const quoteTable = (table: string) => table.split('.').map(ident).join('.')

/** SQL that gives each column of a table its COPY encoding kind, by attribute name. */
export const COLUMN_KINDS_SQL = `
  select a.attname as name,
         case when t.typcategory = 'A' then 'array'
              when t.typname in ('json', 'jsonb') then 'json'
              when t.typname = 'bytea' then 'bytea'
              else 'scalar' end as kind
    from pg_attribute a join pg_type t on t.oid = a.atttypid
   where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped`

/** Resolve the kinds for the requested columns, failing on unknown names before any data moves. */
export function kindsFor(table: string, columns: string[], found: { name: string; kind: ColumnKind }[]) {
  const byName = new Map(found.map((c) => [c.name, c.kind]))
  return columns.map((c) => {
    const kind = byName.get(c)
    if (!kind) throw new Error(`copyInto: table ${table} has no column ${c}`)
    return kind
  })
}
