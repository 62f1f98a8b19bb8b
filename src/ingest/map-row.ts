import { hash as digest } from 'node:crypto'
import type { ColumnBinding, HeaderMatch } from '../../connectors/index.ts'
import type { Problem } from '../../schemas/problem.ts'
import { cleanText, isBlank } from '../normalize/text.ts'
import { type ParseContext, parseValue } from './parse-value.ts'
import type { RawRow } from './read/index.ts'

/** One data row after mapping: the raw cells under their headers, the normalised fields, the problems. */
export interface MappedRow {
  row: number
  /**
   * The raw record as JSON text: header → cell exactly as read, in the file's column order, unknown
   * columns included, blank cells left out. Built as text, never as an object: headers are untrusted
   * (a column headed __proto__ is just a key here) and the text is what gets stored.
   */
  rawJson: string
  /** order-independent hash of the raw record: a re-export with shuffled columns is not a change */
  hash: string
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
  /** `"header":` per column, serialised once per file */
  private readonly jsonKeys: string[]
  /** column indices in header order, for the row hash */
  private readonly hashOrder: number[]
  /** `header\u001f` per column, for the row hash */
  private readonly hashKeys: string[]
  private readonly recordIdBinding: ColumnBinding | undefined

  constructor(
    headerCells: readonly string[],
    match: HeaderMatch,
    private readonly ctx: ParseContext,
  ) {
    this.headers = uniqueHeaders(headerCells)
    this.bindings = match.bindings
    this.headerByField = new Map(match.bindings.map((b) => [b.column.field, b.header]))
    this.jsonKeys = this.headers.map((h) => `${JSON.stringify(h)}:`)
    this.recordIdBinding = match.bindings.find((b) => b.column.field === 'record_id')
    this.hashOrder = this.headers
      .map((_, i) => i)
      .sort((a, b) => (this.headers[a]! < this.headers[b]! ? -1 : 1))
    this.hashKeys = this.headers.map((h) => `${h}\u001f`)
  }

  private header(i: number): string {
    return this.headers[i] ?? `列${i + 1}`
  }

  /** The raw record as JSON text and its hash. */
  rawRecord(cells: readonly string[]): { rawJson: string; hash: string } {
    return { rawJson: this.rawJson(cells), hash: this.rowHash(cells) }
  }

  /** The raw record as JSON text: header → cell in the file's column order, blank cells left out. */
  rawJson(cells: readonly string[]): string {
    let json = '{'
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!
      if (cell === '') continue
      if (json.length > 1) json += ','
      json += (this.jsonKeys[i] ?? `${JSON.stringify(this.header(i))}:`) + JSON.stringify(cell)
    }
    return `${json}}`
  }

  /** The order-independent content hash of a row (see MappedRow.hash). */
  rowHash(cells: readonly string[]): string {
    let text = ''
    for (const i of this.hashOrder) {
      const cell = cells[i]
      if (cell !== undefined && cell !== '') text += this.hashKeys[i]! + cell + '\u001e'
    }
    // cells past the header row, in column order after the named ones
    for (let i = this.headers.length; i < cells.length; i++)
      if (cells[i] !== '') text += `${this.header(i)}\u001f${cells[i]}\u001e`
    // the one-shot digest: a Hash object per row was a measurable share of the main thread
    return digest('sha1', text, 'base64').slice(0, 22)
  }

  /** The header, as the file writes it, of the column bound to a mapping field. */
  headerOf(field: string): string | undefined {
    return this.headerByField.get(field)
  }

  /** A row with no text in any cell is not data: spreadsheets end with many of them. */
  static isEmpty(cells: readonly string[]): boolean {
    return cells.every((c) => c.trim() === '')
  }

  /**
   * The row's record id as its column gives it, without the rest of the mapping, or null when only
   * the full mapping can tell (blank, unreadable or over-long): lets an unchanged row skip the work.
   */
  recordIdOf(raw: RawRow): string | null {
    const binding = this.recordIdBinding
    if (!binding || raw.badColumns?.includes(binding.index)) return null
    const cell = raw.cells[binding.index]
    if (cell === undefined || cell.length > binding.column.maxLength) return null
    return cleanText(unescapeFormulaGuard(cell))
  }

  map(raw: RawRow, record = this.rawRecord(raw.cells)): MappedRow {
    const { cells, row } = raw
    const { rawJson, hash } = record

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
    return { row, rawJson, hash, values, problems, refused }
  }
}

/**
 * A grid worker's upload may only name the grids its client serves: a row naming another is refused at
 * the 网格编码 column. Returns whether this row was refused for it.
 */
export function refuseOutsideGrids(
  mapper: RowMapper,
  mapped: MappedRow,
  row: number,
  allowedGrids: ReadonlySet<string> | undefined,
): boolean {
  const grid = mapped.values.get('grid_code')
  if (!allowedGrids || typeof grid !== 'string' || allowedGrids.has(grid)) return false
  mapped.problems.push({
    row,
    column: mapper.headerOf('grid_code') ?? null,
    code: 'GRID_OUTSIDE',
    severity: 'error',
  })
  mapped.refused = true
  return true
}
