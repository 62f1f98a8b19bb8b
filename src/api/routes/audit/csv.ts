import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { stringify } from 'csv-stringify'
import type { Database } from '../../../db/index.ts'
import { type AccessFilter, type AccessRow, allAccess } from '../../repositories/access-log-repository.ts'

const COLUMNS: ReadonlyArray<{ key: string; header: string; value: (r: AccessRow) => string }> = [
  { key: 'id', header: 'id', value: (r) => String(r.id) },
  { key: 'at', header: 'at', value: (r) => r.at },
  { key: 'client', header: 'client', value: (r) => r.clientId },
  { key: 'scope', header: 'scope', value: (r) => r.scope },
  { key: 'entity_type', header: 'entity_type', value: (r) => r.entityType },
  { key: 'record_ids', header: 'record_ids', value: (r) => r.recordIds.join(';') },
  { key: 'purpose', header: 'purpose', value: (r) => r.purpose ?? '' },
  { key: 'reason', header: 'reason', value: (r) => r.reason ?? '' },
  { key: 'request_id', header: 'request_id', value: (r) => r.requestId ?? '' },
]

/**
 * The filtered log as CSV, newest first, streamed a page at a time: UTF-8 with a BOM (Excel on a
 * Chinese Windows reads it as GBK otherwise), and a cell that a spreadsheet would take for a formula
 * (= + - @, tab, CR, and their full-width forms) is written with a leading ' — a purpose is free text a
 * client typed.
 */
export const accessLogCsv = (db: Database, filter: AccessFilter, onRow?: () => void): Readable => {
  const csv = stringify({
    bom: true,
    header: true,
    columns: COLUMNS.map(({ key, header }) => ({ key, header })),
    escape_formulas: true,
  })
  const rows = Readable.from(
    (async function* () {
      for await (const r of allAccess(db, filter)) {
        onRow?.()
        yield Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(r)]))
      }
    })(),
  )
  // an error while reading ends the stream with it: a cut-off file is never mistaken for a whole one
  pipeline(rows, csv).catch(() => {})
  return csv
}
