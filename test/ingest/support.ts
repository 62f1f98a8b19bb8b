/** Shared by the ingest tests: hand-made rows with valid made-up ids, CSV text, table counts. */
import { expect } from 'vitest'
import { allMappings } from '../../connectors/index.ts'
import type { Database } from '../../src/db/index.ts'
import { SanshiError } from '../../src/errors.ts'
import { type BatchSummary, type IngestOptions, ingestFile } from '../../src/ingest/index.ts'

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** An 18-character resident id with a correct check character (GB 11643): made up, never a real one. */
export const residentId = (area: string, birth: string, seq: number, gender: 'M' | 'F'): string => {
  const tail = seq * 10 + (gender === 'M' ? 1 : 2) // the 17th digit: odd for men, even for women
  const body = `${area}${birth}${String(tail).padStart(3, '0').slice(-3)}`
  if (!/^\d{17}$/.test(body)) throw new Error(`bad id body ${body}`)
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!
  return body + ID_CHECK[sum % 11]
}

/** CSV text from rows of cells, quoting only where a cell needs it; '\n' line ends. */
export const csvText = (rows: readonly (readonly string[])[]): string =>
  rows
    .map((r) => r.map((c) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
    .join('\n') + '\n'

/** ingestFile as the CLI calls it: every built-in mapping, addresses without a district read as 秦淮区. */
export const ingest = (
  db: Database,
  path: string,
  opts: Partial<IngestOptions> = {},
): Promise<BatchSummary> =>
  ingestFile(db, path, { mappings: allMappings(), defaultDistrict: '320104', ...opts })

export interface TableCounts {
  batches: number
  source_records: number
  source_record_history: number
  refused_rows: number
  source_persons: number
  source_houses: number
  source_units: number
}

const COUNTED = [
  'batches',
  'source_records',
  'source_record_history',
  'refused_rows',
  'source_persons',
  'source_houses',
  'source_units',
] as const

export const countRows = async (db: Database): Promise<TableCounts> => {
  const sql = COUNTED.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')
  const [row] = await db.query<TableCounts>(`SELECT ${sql}`)
  return row!
}

/** The rejection of a promise, which must be a SanshiError. */
export const sanshiError = async (promise: Promise<unknown>): Promise<SanshiError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SanshiError)
  return error as SanshiError
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const columnLetter = (i: number): string =>
  i < 26 ? String.fromCharCode(65 + i) : `A${String.fromCharCode(65 + i - 26)}`

/** A sheet's <sheetData> inner XML from rows of inline-string cells; `null` rows are left out (blank rows). */
export const inlineRows = (rows: readonly (readonly string[] | null)[]): string =>
  rows
    .map((cells, r) =>
      cells === null
        ? ''
        : `<row r="${r + 1}">${cells
            .map((c, i) =>
              c === ''
                ? ''
                : `<c r="${columnLetter(i)}${r + 1}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(c)}</t></is></c>`,
            )
            .join('')}</row>`,
    )
    .join('')
