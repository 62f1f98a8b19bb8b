import { SanshiError } from '../../errors.ts'
import type { ExportPage } from './column-page.ts'

/**
 * The columns of an export: the API's field names (camelCase) with the type every format writes them as.
 * A date is a partial ISO date (1990, 1990-05, 1990-05-12) and stays text in every format, so a year
 * alone never becomes 1990-01-01.
 */
export type ExportColumnType = 'text' | 'text[]' | 'integer' | 'float' | 'boolean' | 'date'

export interface ExportColumn {
  name: string
  type: ExportColumnType
  /** The CSV and XLSX header; the name when absent. Arrow always uses the name. */
  label?: string
}

export type ExportRow = Readonly<Record<string, unknown>>

/**
 * Pages as the read model yields them (about 5,000 rows a page), as rows or already as columns
 * (column-page.ts); only one is held at a time.
 */
export type ExportPages = AsyncIterable<ExportPage> | Iterable<ExportPage>

const TYPES: ReadonlySet<string> = new Set<ExportColumnType>([
  'text',
  'text[]',
  'integer',
  'float',
  'boolean',
  'date',
])

/** Refuses a column list no format could write; a mistake in the read model, so a bug to the client. */
export const checkColumns = (columns: readonly ExportColumn[]): void => {
  if (columns.length === 0) throw new SanshiError('SANSHI599', 'an export needs at least one column')
  const seen = new Set<string>()
  for (const c of columns) {
    if (typeof c.name !== 'string' || c.name === '')
      throw new SanshiError('SANSHI599', 'an export column has no name')
    if (!TYPES.has(c.type)) throw new SanshiError('SANSHI599', `export column ${c.name} has an unknown type`)
    // cellOf reads row[name]: a name an object inherits (constructor, toString) would read a function
    if (c.name in Object.prototype)
      throw new SanshiError('SANSHI599', `export column ${c.name} is named like a property every object has`)
    if (seen.has(c.name)) throw new SanshiError('SANSHI599', `export column ${c.name} is listed twice`)
    seen.add(c.name)
  }
}

export const headerOf = (c: ExportColumn): string => c.label ?? c.name

/** The cell under a column (checkColumns has refused the names every object inherits). */
export const cellOf = (row: ExportRow, name: string): unknown => row[name]

/** Names the kind of a wrong value, never the value: it may be a resident id. */
const kindOf = (v: unknown): string => {
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Date) return 'a Date (select dates as text)'
  if (typeof v === 'number') return Number.isFinite(v) ? 'a non-integer number' : 'a non-finite number'
  return `a value of type ${typeof v}`
}

const refuse = (c: ExportColumn, v: unknown): never => {
  throw new SanshiError('SANSHI599', `export column ${c.name} (${c.type}) cannot hold ${kindOf(v)}`)
}

// Each reader returns null for a missing cell and throws on a value the column's type cannot hold.

export const readText = (c: ExportColumn, v: unknown): string | null => {
  if (v == null) return null
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return refuse(c, v)
}

export const readTextList = (c: ExportColumn, v: unknown): (string | null)[] | null => {
  if (v == null) return null
  if (!Array.isArray(v)) return refuse(c, v)
  return v.map((item: unknown) => readText(c, item))
}

const INTEGER_TEXT = /^-?\d+$/

/** A number while it is exact, a bigint beyond (PostgreSQL's bigint arrives as text through pg). */
export const readInteger = (c: ExportColumn, v: unknown): number | bigint | null => {
  if (v == null) return null
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v
  if (typeof v === 'bigint') return v
  if (typeof v === 'string' && INTEGER_TEXT.test(v)) {
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : BigInt(v)
  }
  return refuse(c, v)
}

export const readFloat = (c: ExportColumn, v: unknown): number | null => {
  if (v == null) return null
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  return Number.isFinite(n) ? n : refuse(c, v)
}

export const readBoolean = (c: ExportColumn, v: unknown): boolean | null => {
  if (v == null) return null
  return typeof v === 'boolean' ? v : refuse(c, v)
}

/** How an array is written where a format has no lists (CSV and XLSX); docs/exports.md says so. */
export const joinList = (items: readonly (string | null)[]): string => items.join(';')
