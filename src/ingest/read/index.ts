import { basename } from 'node:path'
import { SanshiError } from '../../errors.ts'
import { openCsv } from './csv.ts'
import { sniffFile } from './sniff.ts'
import type { OpenTableOptions, ReadLimits, TableSource } from './types.ts'
import { defaultReadLimits } from './types.ts'
import { openXls } from './xls.ts'
import { openXlsx } from './xlsx/index.ts'

export type { OpenTableOptions, RawRow, ReadLimits, TableFormat, TableSource } from './types.ts'
export { defaultReadLimits } from './types.ts'

/**
 * Opens a department's file, whatever it turns out to be by content (CSV in any of the usual encodings,
 * XLSX, legacy XLS), and streams its rows as strings. Spreadsheets are parsed in a worker thread with
 * memory and time limits, since their contents are untrusted.
 */
export async function openTable(path: string, opts: OpenTableOptions = {}): Promise<TableSource> {
  const limits: ReadLimits = { ...defaultReadLimits, ...opts.limits }
  let sniffed: Awaited<ReturnType<typeof sniffFile>>
  try {
    sniffed = await sniffFile(path)
  } catch (error) {
    if (error instanceof SanshiError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new SanshiError('SANSHI201', `the file cannot be opened${code ? ` (${code})` : ''}`, {
      file: basename(path),
    })
  }
  switch (sniffed.format) {
    case 'csv':
      return openCsv(path, sniffed.head, limits, opts.encoding, sniffed.size)
    case 'xlsx':
      return openXlsx(path, limits, opts.sheet)
    case 'xls':
      return openXls(path, sniffed.size, limits, opts.sheet)
  }
}
