import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import {
  detectSource,
  findHeader,
  HEADER_SEARCH_ROWS,
  type HeaderMatch,
  type Mapping,
  sourceFromFileName,
} from '../../connectors/index.ts'
import { type Database, JsonText, type Tx } from '../db/index.ts'
import { SanshiError } from '../errors.ts'
import { ulid } from '../ids.ts'
import { BatchWriter, storedProblems } from './batch-writer.ts'
import { RowMapper } from './map-row.ts'
import { openPreparer, type WorkerCount, workersFor } from './prepare-pool.ts'
import { openTable, type RawRow, type TableSource } from './read/index.ts'
import { RefusedSpool } from './refused-spool.ts'
import { takeRows } from './take-rows.ts'

export interface IngestOptions {
  /** the source id; else taken from the file name, else from the headers */
  source?: string
  /** every mapping known: built-ins plus the operator's --mapping files */
  mappings: readonly Mapping[]
  /** refuse the whole batch when more than this share of its rows is refused (0..1) */
  maxRefusedShare?: number
  /** 6-digit district assumed for addresses that name none */
  defaultDistrict?: string
  sheet?: string | number
  /** the API client that sent the file, kept with the batch (it alone may read the refused rows) */
  uploadedBy?: string
  /** called with the resolved source before anything is written; throws to refuse (an upload right) */
  authorize?: (source: string) => void
  /** the grids a grid worker's client serves: a row naming another grid (网格编码) is refused */
  allowedGrids?: readonly string[]
  /** called every few thousand rows: rows so far and, where the reader knows, the share of the file read */
  onProgress?: (p: { file: string; rows: number; fraction?: number }) => void
  /** worker threads that map and normalise large files beside the main thread (default 0: none; see workersFor) */
  workers?: WorkerCount
}

export interface BatchSummary {
  batchId: string
  source: string
  file: string
  status: 'committed' | 'refused' | 'unchanged'
  rows: number
  accepted: number
  rejected: number
  warnings: number
  inserted: number
  updated: number
  unchanged: number
  seconds: number
  message?: string
}

export const DEFAULT_MAX_REFUSED_SHARE = 0.5

const sha256File = async (path: string): Promise<string> => {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

class BatchRefused extends Error {}

const resolveMapping = (
  file: string,
  head: string[][],
  opts: IngestOptions,
): { mapping: Mapping; match: HeaderMatch } => {
  const name = basename(file)
  let mapping: Mapping | null
  if (opts.source) {
    mapping = opts.mappings.find((m) => m.source === opts.source) ?? null
    if (!mapping)
      throw new SanshiError(
        'SANSHI204',
        `unknown source ${opts.source}; known: ${opts.mappings.map((m) => m.source).join(', ')}`,
        { file: name },
      )
  } else {
    mapping = sourceFromFileName(name, opts.mappings)
  }
  if (!mapping) {
    const detected = detectSource(head, opts.mappings)
    if (!detected)
      throw new SanshiError(
        'SANSHI204',
        'neither the file name nor the headers say which department format this is',
        { file: name },
        'pass --source, or a --mapping file for a new format',
      )
    return detected
  }
  const match = findHeader(head, mapping)
  if (!match)
    throw new SanshiError(
      'SANSHI203',
      `no row among the first ${HEADER_SEARCH_ROWS} names the columns of ${mapping.source}`,
      { file: name },
    )
  const missing = match.missingRequired[0]
  if (missing)
    throw new SanshiError(
      'SANSHI203',
      `the header lacks the required column ${[missing.header, ...missing.aliases].join(' / ')}`,
      { file: name, row: match.rowIndex + 1 },
    )
  return { mapping, match }
}

/** Reads the leading rows where titles and the header sit, keeping the iterator for the rest. */
const readHead = async (table: TableSource): Promise<{ head: RawRow[]; rest: AsyncIterator<RawRow[]> }> => {
  const rest = table.batches()[Symbol.asyncIterator]()
  const head: RawRow[] = []
  while (head.length < HEADER_SEARCH_ROWS) {
    const next = await rest.next()
    if (next.done) break
    head.push(...next.value)
  }
  return { head, rest }
}

/**
 * One file in, one batch out, all or nothing: read → map → validate → normalise → COPY, in one
 * transaction; refused rows are stored with their reasons whether the batch commits or not.
 */
export const ingestFile = async (db: Database, path: string, opts: IngestOptions): Promise<BatchSummary> => {
  const started = Date.now()
  const sha = await sha256File(path)
  const table = await openTable(path, opts.sheet === undefined ? {} : { sheet: opts.sheet })
  const { head, rest } = await readHead(table)
  try {
    return await loadTable(db, path, opts, { started, sha, table, head, rest })
  } finally {
    // an ingest that stops early (an identical file, a bad header, a failure) must still close the
    // reader: a CSV's file handle, a spreadsheet's worker thread
    await rest.return?.()
  }
}

interface OpenedTable {
  started: number
  sha: string
  table: TableSource
  head: RawRow[]
  rest: AsyncIterator<RawRow[]>
}

const loadTable = async (
  db: Database,
  path: string,
  opts: IngestOptions,
  { started, sha, table, head, rest }: OpenedTable,
): Promise<BatchSummary> => {
  const file = basename(path)
  if (head.every((r) => RowMapper.isEmpty(r.cells)))
    throw new SanshiError('SANSHI202', 'the file holds no rows', { file })
  const { mapping, match } = resolveMapping(
    path,
    head.map((r) => r.cells),
    opts,
  )
  opts.authorize?.(mapping.source)
  const headerRow = head[match.rowIndex]!
  const ctx = {
    ...(opts.defaultDistrict === undefined ? {} : { defaultDistrict: opts.defaultDistrict }),
    // a spreadsheet date cell that lost its date format reaches us as its serial number (31108)
    excelDates: table.format !== 'csv',
  }
  const mapper = new RowMapper(headerRow.cells, match, ctx)
  const maxShare = opts.maxRefusedShare ?? DEFAULT_MAX_REFUSED_SHARE

  const summary: BatchSummary = {
    batchId: ulid(),
    source: mapping.source,
    file,
    status: 'committed',
    rows: 0,
    accepted: 0,
    rejected: 0,
    warnings: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    seconds: 0,
  }
  const spool = await RefusedSpool.create()
  const options = {
    headers: mapper.headers,
    headerRow: headerRow.row,
    delimiter: table.delimiter ?? null,
    sheet: table.sheet ?? null,
  }
  const mappingHash = createHash('sha256').update(JSON.stringify(mapping)).digest('hex').slice(0, 16)
  const insertBatch = (tx: Tx, status: 'running' | 'refused') =>
    tx.query(
      `INSERT INTO batches (id, source, file_name, file_sha256, format, encoding, options, mapping_hash,
         uploaded_by, status, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11 / 1000.0))`,
      [
        summary.batchId,
        mapping.source,
        file,
        sha,
        table.format,
        table.encoding ?? null,
        options,
        mappingHash,
        opts.uploadedBy ?? null,
        status,
        started,
      ],
    )

  async function* dataBatches(): AsyncIterable<RawRow[]> {
    yield head.slice(match.rowIndex + 1)
    for (let n = await rest.next(); !n.done; n = await rest.next()) yield n.value
  }

  let openWriter: BatchWriter | undefined
  const load = async (tx: Tx): Promise<void> => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanshi.ingest.${mapping.source}`])
    const prior = await tx.query<{
      id: string
      rows: number
      accepted: number
      rejected: number
      warnings: number
    }>(
      `SELECT id, rows, accepted, rejected, warnings FROM batches
       WHERE source = $1 AND file_sha256 = $2 AND status = 'committed' ORDER BY started_at LIMIT 1`,
      [mapping.source, sha],
    )
    if (prior[0]) {
      Object.assign(summary, {
        ...prior[0],
        batchId: prior[0].id,
        status: 'unchanged',
        message: 'identical file already ingested',
      })
      summary.unchanged = summary.accepted
      return
    }
    await insertBatch(tx, 'running')
    const writer = await BatchWriter.open(db, tx, summary.batchId, mapping.source)
    openWriter = writer
    opts.onProgress?.({ file, rows: 0, fraction: 0 })
    const preparer = openPreparer(
      {
        headerCells: headerRow.cells,
        match,
        ctx,
        mapping,
        batchId: summary.batchId,
        kinds: writer.kinds,
        ...(opts.allowedGrids ? { allowedGrids: [...opts.allowedGrids] } : {}),
      },
      workersFor(opts.workers ?? 0, (await stat(path)).size),
    )
    try {
      await takeRows(dataBatches(), {
        mapping,
        mapper,
        preparer,
        writer,
        spool,
        summary,
        allowedGrids: opts.allowedGrids,
        progress: (rows: number) => opts.onProgress?.({ file, rows, fraction: table.progress?.() }),
      })
    } finally {
      await preparer.close()
    }
    await writer.finish()
    opts.onProgress?.({ file, rows: summary.rows, fraction: 1 })
    if (summary.rows === 0)
      throw new SanshiError('SANSHI202', 'the file has a header but no data rows', {
        file,
        row: headerRow.row,
      })
    Object.assign(summary, {
      inserted: writer.inserted,
      updated: writer.updated,
      unchanged: writer.unchanged,
    })
    if (summary.rejected > summary.rows * maxShare) throw new BatchRefused()
    await storeRefused(db, tx, summary.batchId, spool)
    await finishBatch(tx, summary, 'committed', null)
  }

  try {
    try {
      await db.transaction((tx) =>
        load(tx).catch(async (e: unknown) => {
          // a chunk may still be writing on this transaction's connection: let it end before the rollback,
          // or its remaining statements run after ROLLBACK, outside any transaction, and are kept
          await openWriter?.settle()
          throw e
        }),
      )
    } catch (e) {
      if (!(e instanceof BatchRefused)) throw e
      summary.status = 'refused'
      summary.message = `${summary.rejected} of ${summary.rows} rows refused, more than the limit of ${Math.round(maxShare * 100)}%: nothing was taken`
      Object.assign(summary, { accepted: 0, inserted: 0, updated: 0, unchanged: 0 })
      await db.transaction(async (tx) => {
        await insertBatch(tx, 'refused')
        await storeRefused(db, tx, summary.batchId, spool)
        await finishBatch(tx, summary, 'refused', summary.message ?? null)
      })
    }
  } finally {
    await spool.dispose()
  }
  summary.seconds = (Date.now() - started) / 1000
  return summary
}

const storeRefused = async (db: Database, tx: Tx, batchId: string, spool: RefusedSpool): Promise<void> => {
  if (spool.count === 0) return
  async function* rows(): AsyncIterable<unknown[]> {
    for await (const r of spool.rows()) {
      yield [batchId, r.row, r.recordId, new JsonText(r.rawJson), storedProblems(r.problems)]
    }
  }
  await db.copyInto(tx, 'refused_rows', ['batch_id', 'row_number', 'record_id', 'raw', 'problems'], rows())
}

const finishBatch = async (tx: Tx, s: BatchSummary, status: string, reason: string | null): Promise<void> => {
  await tx.query(
    `UPDATE batches SET status = $2, rows = $3, accepted = $4, rejected = $5, warnings = $6,
       refused_reason = $7, finished_at = clock_timestamp(),
       seconds = extract(epoch from clock_timestamp() - started_at)
     WHERE id = $1`,
    [s.batchId, status, s.rows, s.accepted, s.rejected, s.warnings, reason],
  )
}
