import type { Mapping } from '../../connectors/index.ts'
import { JsonText } from '../db/index.ts'
import { assembleMentions } from './assemble.ts'
import type { BatchWriter } from './batch-writer.ts'
import { compactValues } from './compact.ts'
import { FirstSeen } from './first-seen.ts'
import type { BatchSummary } from './ingest-file.ts'
import { refuseOutsideGrids, RowMapper } from './map-row.ts'
import type { PrepareJob, PreparedChunk } from './prepare.ts'
import type { Preparer } from './prepare-pool.ts'
import type { RawRow } from './read/index.ts'
import type { RefusedSpool } from './refused-spool.ts'

export interface TakeRowsContext {
  mapping: Mapping
  mapper: RowMapper
  preparer: Preparer
  writer: BatchWriter
  spool: RefusedSpool
  /** counted into as rows are read and taken */
  summary: BatchSummary
  allowedGrids: readonly string[] | undefined
  /** called every few thousand rows read, with the count so far */
  progress: (rows: number) => void
}

/** Rows per chunk handed to the preparer: large enough that a message's cost is lost in the chunk's work. */
const PREPARE_ROWS = 1000
const PROGRESS_EVERY = 5000

type Sighting = ReturnType<FirstSeen['check']>

/** A row on its way, kept by the main thread until its chunk is settled in file order. */
interface Entry {
  raw: RawRow
  hash: string
  quickId: string | null
  /** the row's place in the chunk sent to the preparer; -1 when not sent (its record looked unchanged) */
  sent: number
}

interface Outgoing {
  entries: Entry[]
  prepared: Promise<PreparedChunk>
}

const noLines = () => ({ bytes: new Uint8Array(0), lineEnds: new Int32Array(0), rowEnds: new Int32Array(0) })
const NOTHING_PREPARED: PreparedChunk = {
  recordIds: [],
  refused: new Uint8Array(0),
  refusals: [],
  warnings: new Int32Array(0),
  cellProblems: [],
  gridOutside: new Uint8Array(0),
  records: noLines(),
  persons: noLines(),
  houses: noLines(),
  units: noLines(),
}

/**
 * The data rows of a batch, in file order, into the writer and the refused spool. Reading, the content
 * hash and what depends on earlier rows (repeats, unchanged records, ids) happen here on the main
 * thread; mapping, normalising and COPY encoding happen in the preparer, a chunk at a time, perhaps on
 * worker threads, while the main thread reads ahead. Every decision is made as the row-at-a-time loop
 * made it: a row whose record was stored unchanged is not mapped at all, a repeat is told from a clash,
 * and a row the preparer mapped but that turns out a repeat is mapped again here to be refused.
 */
export const takeRows = async (batches: AsyncIterable<RawRow[]>, c: TakeRowsContext): Promise<void> => {
  const { mapping, mapper, preparer, writer, spool, summary } = c
  const firstSeen = new FirstSeen()
  const allowedGrids = c.allowedGrids ? new Set(c.allowedGrids) : undefined
  const headerOf = (field: string) => mapper.headerOf(field)

  /** A row mapped here, as the loop always did: one whose record was stored unchanged but that repeats an earlier row. */
  const mapHere = (
    raw: RawRow,
    hash: string,
    quickId: string | null,
    quickEarlier: Sighting,
  ): Promise<void> | undefined => {
    const mapped = mapper.map(raw, { rawJson: mapper.rawJson(raw.cells), hash })
    const recordId = mapped.values.get('record_id') as string | undefined
    if (recordId !== undefined) {
      // checked once per row: a second check would find the row's own first sighting
      const earlier = recordId === quickId ? quickEarlier : firstSeen.check(recordId, raw.row, hash)
      if (earlier) {
        mapped.problems.push({
          row: raw.row,
          column: null,
          code: earlier.same ? 'DUPLICATE_ROW' : 'DUPLICATE_RECORD_ID',
          severity: 'error',
          detail: String(earlier.row),
        })
        mapped.refused = true
      }
    }
    refuseOutsideGrids(mapper, mapped, raw.row, allowedGrids)
    if (mapped.refused) {
      summary.rejected++
      return spool.add({
        row: raw.row,
        recordId: recordId ?? null,
        rawJson: mapped.rawJson,
        problems: mapped.problems,
      })
    }
    const mentions = assembleMentions(mapping, mapped.values, raw.row, mapped.problems, headerOf)
    summary.accepted++
    summary.warnings += mapped.problems.length
    return writer.add({
      recordId: recordId!,
      row: raw.row,
      raw: new JsonText(mapped.rawJson),
      data: compactValues(mapped.values),
      problems: mapped.problems,
      rowHash: hash,
      mentions,
    })
  }

  /**
   * A row the preparer mapped that turns out a repeat: refused with the problems of its own cells, as
   * the preparer found them, then the repeat, then its grid's (mapping it again here would load the
   * normalisers' tables into the main thread for a handful of rows).
   */
  const refuseRepeat = (
    raw: RawRow,
    recordId: string,
    earlier: NonNullable<Sighting>,
    p: PreparedChunk,
    i: number,
  ): Promise<void> | undefined => {
    const refusal = p.refusals[i]
    const problems = refusal
      ? refusal.problems.slice(0, refusal.problems.length - p.gridOutside[i]!)
      : (p.cellProblems[i] ?? [])
    problems.push({
      row: raw.row,
      column: null,
      code: earlier.same ? 'DUPLICATE_ROW' : 'DUPLICATE_RECORD_ID',
      severity: 'error',
      detail: String(earlier.row),
    })
    if (p.gridOutside[i])
      problems.push({
        row: raw.row,
        column: mapper.headerOf('grid_code') ?? null,
        code: 'GRID_OUTSIDE',
        severity: 'error',
      })
    summary.rejected++
    return spool.add({
      row: raw.row,
      recordId,
      rawJson: refusal?.rawJson ?? mapper.rawJson(raw.cells),
      problems,
    })
  }

  /** Takes a prepared chunk's rows in file order. */
  const settle = async ({ entries, prepared }: Outgoing): Promise<void> => {
    const p = await prepared
    for (const { raw, hash, quickId, sent } of entries) {
      const quickEarlier = quickId === null ? undefined : firstSeen.check(quickId, raw.row, hash)
      if (quickId !== null && !quickEarlier && writer.skipIfUnchanged(quickId, hash)) {
        summary.accepted++
        continue
      }
      let wait: Promise<void> | undefined
      if (sent < 0) {
        wait = mapHere(raw, hash, quickId, quickEarlier)
      } else {
        const recordId = p.recordIds[sent] as string | undefined
        const earlier =
          recordId === undefined
            ? undefined
            : recordId === quickId
              ? quickEarlier
              : firstSeen.check(recordId, raw.row, hash)
        if (earlier) {
          wait = refuseRepeat(raw, recordId!, earlier, p, sent)
        } else if (p.refused[sent]) {
          summary.rejected++
          wait = spool.add({ row: raw.row, recordId: recordId ?? null, ...p.refusals[sent]! })
        } else {
          summary.accepted++
          summary.warnings += p.warnings[sent]!
          wait = writer.addPrepared(recordId!, hash, p, sent)
        }
      }
      if (wait) await wait
    }
  }

  const outgoing: Outgoing[] = []
  let entries: Entry[] = []
  let job: PrepareJob = { rows: [], hashes: [] }
  const send = async (): Promise<void> => {
    const prepared = job.rows.length > 0 ? preparer.prepare(job) : Promise.resolve(NOTHING_PREPARED)
    // a failure surfaces when its chunk is settled; until then it must not count as unhandled
    prepared.catch(() => {})
    outgoing.push({ entries, prepared })
    entries = []
    job = { rows: [], hashes: [] }
    while (outgoing.length > preparer.depth) await settle(outgoing.shift()!)
  }

  for await (const batch of batches)
    for (const raw of batch) {
      if (RowMapper.isEmpty(raw.cells)) continue
      summary.rows++
      if (summary.rows % PROGRESS_EVERY === 0) c.progress(summary.rows)
      const hash = mapper.rowHash(raw.cells)
      const quickId = mapper.recordIdOf(raw)
      // the monthly re-export repeats most records unchanged: those skip mapping and normalising
      const unchanged = quickId !== null && writer.isUnchanged(quickId, hash)
      entries.push({ raw, hash, quickId, sent: unchanged ? -1 : job.rows.length })
      if (!unchanged) {
        job.rows.push(raw)
        job.hashes.push(hash)
      }
      if (entries.length === PREPARE_ROWS) await send()
    }
  await send()
  while (outgoing.length > 0) await settle(outgoing.shift()!)
}
