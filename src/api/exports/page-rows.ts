import {
  BooleanBuilder,
  type ColumnPage,
  type ExportPage,
  FloatBuilder,
  IntegerBuilder,
  isColumnPage,
  ListBuilder,
  TextBuilder,
  type TextVector,
  type Validity,
  type Vector,
} from './column-page.ts'
import {
  cellOf,
  type ExportColumn,
  type ExportRow,
  readBoolean,
  readFloat,
  readInteger,
  readText,
  readTextList,
} from './columns.ts'

/*
 * Pages of rows laid out as columns, for the CSV and Arrow writers, and columns read back as rows, for the
 * XLSX writer.
 */

const isValid = (v: Validity, i: number): boolean =>
  v.bits === undefined || (v.bits[i >> 3]! & (1 << (i & 7))) !== 0

/** The texts of a vector, one at a time, or null. */
const textsOf = (v: TextVector): ((i: number) => string | null) => {
  const data = Buffer.from(v.data.buffer, v.data.byteOffset, v.data.length)
  return (i) => (isValid(v, i) ? data.toString('utf8', v.offsets[i], v.offsets[i + 1]) : null)
}

/** A vector's values as a row would hold them: text, a list of text, a number, a boolean, or null. */
const valuesOf = (v: Vector): ((i: number) => unknown) => {
  switch (v.kind) {
    case 'text':
      return textsOf(v)
    case 'list': {
      const item = textsOf(v.items)
      return (i) => {
        if (!isValid(v, i)) return null
        const items: (string | null)[] = []
        for (let j = v.offsets[i]!; j < v.offsets[i + 1]!; j++) items.push(item(j))
        return items
      }
    }
    case 'integer':
    case 'float':
      return (i) => (isValid(v, i) ? v.values[i] : null)
    case 'boolean':
      return (i) => (isValid(v, i) ? (v.values[i >> 3]! & (1 << (i & 7))) !== 0 : null)
  }
}

/** The page's rows, keyed by column name: for the XLSX writer, which writes a row at a time. */
export const rowsOf = (columns: readonly ExportColumn[], page: ColumnPage): ExportRow[] => {
  const values = page.vectors.map(valuesOf)
  return Array.from({ length: page.length }, (_, i) => {
    const row: Record<string, unknown> = {}
    columns.forEach((c, j) => (row[c.name] = values[j]!(i)))
    return row
  })
}

/** One column of a page of rows, its values checked against the column's type (a wrong one throws). */
const vectorOf = (c: ExportColumn, rows: readonly ExportRow[]): Vector => {
  const n = rows.length
  switch (c.type) {
    case 'text':
    case 'date': {
      const b = new TextBuilder(n)
      for (const row of rows) b.append(readText(c, cellOf(row, c.name)))
      return b.finish()
    }
    case 'text[]': {
      const b = new ListBuilder(n)
      for (const row of rows) {
        const list = readTextList(c, cellOf(row, c.name))
        if (list === null) b.appendNull()
        else {
          for (const item of list) b.items.append(item)
          b.closeList()
        }
      }
      return b.finish()
    }
    case 'integer': {
      const b = new IntegerBuilder(n)
      for (const row of rows) b.append(readInteger(c, cellOf(row, c.name)))
      return b.finish()
    }
    case 'float': {
      const b = new FloatBuilder(n)
      for (const row of rows) b.append(readFloat(c, cellOf(row, c.name)))
      return b.finish()
    }
    case 'boolean': {
      const b = new BooleanBuilder(n)
      for (const row of rows) b.append(readBoolean(c, cellOf(row, c.name)))
      return b.finish()
    }
  }
}

/** A page as columns, whichever form it came in. */
export const columnPage = (columns: readonly ExportColumn[], page: ExportPage): ColumnPage =>
  isColumnPage(page)
    ? page
    : { kind: 'columns', length: page.length, vectors: columns.map((c) => vectorOf(c, page)) }
