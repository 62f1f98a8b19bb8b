/**
 * Streams one worksheet's <row>/<c> elements into RawRows. Cells are placed by their reference (B7), so
 * skipped cells leave empty strings; rows without a reference follow the previous one, as Excel does.
 */
import type { RawRow } from '../types.ts'
import { trimTrailingEmpty } from '../types.ts'
import { columnFromRef, formatNumber, serialToIsoDate } from './cell-value.ts'
import { attribute, parseXmlPart } from './xml.ts'
import type { ZipEntry, ZipReader } from './zip.ts'

/** Excel's own limit is 1,048,576 rows; a larger row number is a crafted file. */
const MAX_ROW = 1_048_576

export interface SheetContext {
  sharedStrings: readonly string[]
  dateStyles: readonly boolean[]
  date1904: boolean
}

export async function readSheetRows(
  zip: ZipReader,
  entry: ZipEntry,
  context: SheetContext,
  emit: (row: RawRow) => void,
  between: () => Promise<void>,
): Promise<void> {
  let rowNumber = 0
  let cells: string[] = []
  let formulaColumns: number[] | undefined
  // The cell being read.
  let column = -1
  let type = 'n'
  let style = 0
  let hasFormula = false
  let value: string[] = []
  let collecting = false // inside <v>, or a <t> of an inline string
  let inInline = false
  let phoneticDepth = 0

  const refuse = (what: string) => zip.refuse(`the sheet has ${what} at row ${rowNumber}`)

  const finishCell = () => {
    if (column < 0) return
    const text = cellText(type, value.join(''), style, context)
    if (text === undefined) throw refuse('a shared string that does not exist')
    if (text !== '') {
      // Fill skipped columns explicitly: a sparse array would carry holes into the consumer.
      while (cells.length < column) cells.push('')
      cells[column] = text
    }
    if (hasFormula) {
      formulaColumns ??= []
      formulaColumns.push(column)
    }
  }

  await parseXmlPart(
    zip,
    entry,
    Number.POSITIVE_INFINITY,
    {
      open(name, tag) {
        switch (name) {
          case 'row': {
            const r = attribute(tag, 'r')
            const next = r === undefined ? rowNumber + 1 : Number(r)
            if (!Number.isInteger(next) || next <= rowNumber || next > MAX_ROW)
              throw refuse('rows out of order')
            rowNumber = next
            cells = []
            formulaColumns = undefined
            column = -1
            break
          }
          case 'c': {
            const ref = attribute(tag, 'r')
            const next = ref === undefined ? column + 1 : columnFromRef(ref)
            if (next === undefined || next <= column) throw refuse('a cell reference out of place')
            column = next
            type = attribute(tag, 't') ?? 'n'
            style = Number(attribute(tag, 's') ?? 0)
            hasFormula = false
            value = []
            break
          }
          case 'v':
            collecting = true
            break
          case 'f':
            hasFormula = true
            break
          case 'is':
            inInline = true
            break
          case 'rPh':
            phoneticDepth++
            break
          case 't':
            if (inInline && phoneticDepth === 0) collecting = true
            break
        }
      },
      close(name) {
        switch (name) {
          case 'v':
          case 't':
            collecting = false
            break
          case 'is':
            inInline = false
            break
          case 'rPh':
            phoneticDepth--
            break
          case 'c':
            finishCell()
            break
          case 'row': {
            trimTrailingEmpty(cells)
            if (cells.length > 0) {
              emit(formulaColumns ? { row: rowNumber, cells, formulaColumns } : { row: rowNumber, cells })
            }
            break
          }
        }
      },
      text(text) {
        if (collecting) value.push(text)
      },
    },
    between,
  )
}

/** The cell as text; undefined only for a shared-string index that points nowhere. */
function cellText(type: string, raw: string, style: number, context: SheetContext): string | undefined {
  switch (type) {
    case 's': {
      const index = Number(raw)
      return Number.isInteger(index) && index >= 0 ? context.sharedStrings[index] : undefined
    }
    case 'b':
      return raw === '1' || raw === 'true' ? 'TRUE' : raw === '' ? '' : 'FALSE'
    case 'str': // formula result text
    case 'inlineStr':
    case 'e': // error values such as #N/A, kept as shown
      return raw
    case 'd': {
      // ISO 8601 date cells (rare, written by some generators): keep the date part.
      const date = /^\d{4}-\d{2}-\d{2}/.exec(raw)
      return date ? date[0] : raw
    }
    default: {
      if (raw === '') return ''
      if (context.dateStyles[style] === true) {
        const date = serialToIsoDate(Number(raw), context.date1904)
        if (date !== undefined) return date
      }
      return formatNumber(raw)
    }
  }
}
