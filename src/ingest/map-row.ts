import type { ColumnBinding, HeaderMatch } from '../../connectors/index.ts'
import type { Problem } from '../../schemas/problem.ts'
import { isBlank } from '../normalize/text.ts'
import { type ParseContext, parseValue } from './parse-value.ts'
import type { RawRow } from './read/index.ts'

/** One data row after mapping: the raw cells under their headers, the normalised fields, the problems. */
export interface MappedRow {
  row: number
  /** header → cell text exactly as read, unknown columns included (null prototype: headers are untrusted) */
  raw: Record<string, string>
  /** field → normalised value; absent when the cell was blank or unreadable */
  values: Map<string, unknown>
  problems: Problem[]
  refused: boolean
}

/** Header texts made unique, so two columns both headed 备注 are both kept. */
export const uniqueHeaders = (headerCells: readonly string[]): string[] => {
  const seen = new Map<string, number>()
  return headerCells.map((h, i) => {
    const base = h.trim() === '' ? `列${i + 1}` : h.trim()
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}#${n}`
  })
}

/** Undoes the leading apostrophe that spreadsheet exports (ours included) put before = + - @ to stop formulas. */
const unescapeFormulaGuard = (cell: string): string =>
  cell.length > 1 && cell[0] === "'" && '=+-@'.includes(cell[1]!) ? cell.slice(1) : cell

export class RowMapper {
  /** the file's headers, made unique, in the file's order */
  readonly headers: string[]
  private readonly bindings: ColumnBinding[]
  private readonly headerByField: Map<string, string>

  constructor(
    headerCells: readonly string[],
    match: HeaderMatch,
    private readonly ctx: ParseContext,
  ) {
    this.headers = uniqueHeaders(headerCells)
    this.bindings = match.bindings
    this.headerByField = new Map(match.bindings.map((b) => [b.column.field, b.header]))
  }

  /** The header, as the file writes it, of the column bound to a mapping field. */
  headerOf(field: string): string | undefined {
    return this.headerByField.get(field)
  }

  /** A row with no text in any cell is not data: spreadsheets end with many of them. */
  static isEmpty(cells: readonly string[]): boolean {
    return cells.every((c) => c.trim() === '')
  }

  map(raw: RawRow): MappedRow {
    const { cells, row } = raw
    const rawRecord: Record<string, string> = Object.create(null)
    const width = Math.max(cells.length, this.headers.length)
    for (let i = 0; i < width; i++) {
      const header = this.headers[i] ?? `列${i + 1}`
      const cell = cells[i]
      if (cell !== undefined && cell !== '') rawRecord[header] = cell
    }

    const values = new Map<string, unknown>()
    const problems: Problem[] = []
    const bad = raw.badColumns ? new Set(raw.badColumns) : undefined
    const formulas = raw.formulaColumns ? new Set(raw.formulaColumns) : undefined
    for (const { index, header, column } of this.bindings) {
      const cell = cells[index] ?? ''
      if (bad?.has(index)) {
        problems.push({ row, column: header, code: 'BAD_CHARACTERS', severity: 'error' })
        continue
      }
      if (formulas?.has(index)) problems.push({ row, column: header, code: 'FORMULA', severity: 'warning' })
      if (isBlank(cell)) {
        if (column.required) problems.push({ row, column: header, code: 'REQUIRED', severity: 'error' })
        continue
      }
      if (cell.length > column.maxLength) {
        problems.push({
          row,
          column: header,
          code: 'TOO_LONG',
          severity: 'error',
          detail: `${cell.length} > ${column.maxLength}`,
        })
        continue
      }
      const result = parseValue(column.parser, unescapeFormulaGuard(cell), column, this.ctx)
      if (result.problem) {
        // an unreadable optional value costs the value, not the row: the raw cell is kept and the clerk told
        const severity = column.required ? result.problem.severity : 'warning'
        problems.push({ row, column: header, ...result.problem, severity })
      }
      if (result.value !== null && result.value !== undefined) values.set(column.field, result.value)
      else if (column.required && result.problem?.severity !== 'error')
        problems.push({ row, column: header, code: 'REQUIRED', severity: 'error' })
    }
    const refused = problems.some((p) => p.severity === 'error')
    return { row, raw: rawRecord, values, problems, refused }
  }
}
