/**
 * The format layer of exports: pages of rows already filtered and masked by scope, written as CSV, XLSX
 * or an Arrow IPC stream. It knows nothing of the database or of scopes. Every writer is pulled: a page
 * is read only when the destination has taken the bytes of the one before, so memory stays flat however
 * slow the reader. The same pages give the same bytes, so the CLI's file and the API's answer match.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SanshiError } from '../../errors.ts'
import { arrowChunks } from './arrow.ts'
import { checkColumns, type ExportColumn, type ExportPages } from './columns.ts'
import { csvChunks } from './csv.ts'
import { type XlsxOptions, xlsxChunks } from './xlsx/index.ts'

export type { ExportColumn, ExportColumnType, ExportPages, ExportRow } from './columns.ts'
export type { ColumnPage, ExportPage } from './column-page.ts'

export type ExportFormat = 'csv' | 'xlsx' | 'arrow'

export const EXPORT_FORMATS: Readonly<Record<ExportFormat, { contentType: string; extension: string }>> = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  },
  // .arrows is the extension registered for the stream format (.arrow is the file format's)
  arrow: { contentType: 'application/vnd.apache.arrow.stream', extension: 'arrows' },
}

export const isExportFormat = (s: unknown): s is ExportFormat =>
  typeof s === 'string' && Object.hasOwn(EXPORT_FORMATS, s)

export type ExportOptions = XlsxOptions

/** The export's bytes; `rows` counts the rows written so far, the total once the stream has ended. */
export interface ExportStream extends Readable {
  readonly rows: number
}

// Nothing is read ahead: the next page is built only once the destination has taken the last one's
// bytes, whatever the size of a page.
const HIGH_WATER_MARK = 0

/**
 * The export as a byte stream, for `reply.send()` or a pipeline to a file. The columns are checked at
 * once, so a mistake is thrown before any byte is sent; a failure later (the database gone) destroys the
 * stream with the error, and a reader that goes away closes the pages' iterator.
 */
export const exportStream = (
  format: ExportFormat,
  columns: readonly ExportColumn[],
  pages: ExportPages,
  options: ExportOptions = {},
): ExportStream => {
  if (!isExportFormat(format))
    throw new SanshiError(
      'SANSHI101',
      `unknown export format; use one of ${Object.keys(EXPORT_FORMATS).join(', ')}`,
    )
  checkColumns(columns)
  let rows = 0
  const onRows = (n: number) => {
    rows += n
  }
  const chunks =
    format === 'csv'
      ? csvChunks(columns, pages, onRows)
      : format === 'xlsx'
        ? xlsxChunks(columns, pages, onRows, options)
        : arrowChunks(columns, pages, onRows)
  const stream = Readable.from(chunks, { objectMode: false, highWaterMark: HIGH_WATER_MARK })
  return Object.defineProperty(stream, 'rows', { get: () => rows }) as ExportStream
}

/**
 * Writes the export to a stream (a file, a socket) at the pace it takes the bytes. The destination is
 * ended afterwards unless `end: false` (standard output, which must stay open).
 */
export const writeExport = async (
  format: ExportFormat,
  columns: readonly ExportColumn[],
  pages: ExportPages,
  out: NodeJS.WritableStream,
  options: ExportOptions & { end?: boolean } = {},
): Promise<{ rows: number }> => {
  const stream = exportStream(format, columns, pages, options)
  await pipeline(stream, out, { end: options.end ?? true })
  return { rows: stream.rows }
}
