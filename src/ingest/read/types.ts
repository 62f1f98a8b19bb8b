/** What every reader hands to the mapping layer: rows in file order, as strings, nothing interpreted yet. */

export type TableFormat = 'csv' | 'xlsx' | 'xls'

export interface RawRow {
  /** 1-based, as a spreadsheet or text editor shows it (a quoted field with newlines spans several lines). */
  row: number
  /** Cell texts, empty trailing cells trimmed. */
  cells: string[]
  /** 0-based columns whose text holds undecodable bytes (U+FFFD): the ingest refuses those rows. */
  badColumns?: number[]
  /** 0-based columns that held a formula in the file; `cells` carries its cached value. */
  formulaColumns?: number[]
}

export interface TableSource {
  format: TableFormat
  encoding?: string
  delimiter?: string
  sheet?: string
  /** Rows in file order, streamed in batches (one await per batch, not per row: this is the hot path). */
  batches(): AsyncIterable<RawRow[]>
  /** The same rows one at a time. Entirely empty rows are skipped; the row numbers stay true. */
  rows(): AsyncIterable<RawRow>
  /** Share of the file read so far (0..1), where the reader can tell: for a progress bar's ETA. */
  progress?(): number
}

/** Completes a source that streams batches with the row-at-a-time view. */
export const withRows = (source: Omit<TableSource, 'rows'>): TableSource => ({
  ...source,
  async *rows() {
    for await (const batch of source.batches()) yield* batch
  },
})

export interface ReadLimits {
  /** Longest physical CSV line, and longest CSV record, in bytes. */
  maxLineBytes: number
  /** Total bytes inflated from one XLSX, across all entries. */
  maxInflatedBytes: number
  /** Inflated size / compressed size, per zip entry. */
  maxCompressionRatio: number
  /** Entries in the XLSX zip directory. */
  maxZipEntries: number
  /** Inflated size of xl/sharedStrings.xml. */
  maxSharedStringsBytes: number
  /** Legacy .xls files are parsed whole by SheetJS, so their size is capped before parsing. */
  maxXlsBytes: number
  /** Heap of the worker that parses a spreadsheet. */
  maxWorkerHeapMb: number
  /** Total time the worker may spend parsing (time spent waiting for the consumer does not count). */
  timeoutMs: number
  /** The worker is killed when it delivers nothing for this long while the consumer waits. */
  stallTimeoutMs: number
}

export const defaultReadLimits: Readonly<ReadLimits> = Object.freeze({
  maxLineBytes: 1024 * 1024,
  maxInflatedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxZipEntries: 10_000,
  maxSharedStringsBytes: 256 * 1024 * 1024,
  maxXlsBytes: 64 * 1024 * 1024,
  maxWorkerHeapMb: 1024,
  timeoutMs: 10 * 60 * 1000,
  stallTimeoutMs: 60 * 1000,
})

export interface OpenTableOptions {
  /** Sheet name, or 0-based position in workbook order. Default: the first worksheet. */
  sheet?: string | number
  /** Force a text encoding (any label iconv-lite knows) instead of detecting it. */
  encoding?: string
  limits?: Partial<ReadLimits>
}

/** Drops empty trailing cells in place; returns the array for chaining. */
export function trimTrailingEmpty(cells: string[]): string[] {
  let end = cells.length
  while (end > 0 && cells[end - 1] === '') end--
  cells.length = end
  return cells
}

/** Spreadsheet column letters for a 0-based index: 0 → A, 27 → AB. Used in error locations. */
export function columnLetters(index: number): string {
  let n = index + 1
  let out = ''
  while (n > 0) {
    const rem = (n - 1) % 26
    out = String.fromCharCode(65 + rem) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}
