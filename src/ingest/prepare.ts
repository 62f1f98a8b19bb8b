import type { HeaderMatch, Mapping } from '../../connectors/index.ts'
import type { Problem } from '../../schemas/problem.ts'
import { CopyBuffer } from '../db/copy-buffer.ts'
import { type ColumnKind, type EncodedPart, JsonText, rowEncoder } from '../db/copy-text.ts'
import { assembleMentions } from './assemble.ts'
import { compactValues } from './compact.ts'
import { refuseOutsideGrids, RowMapper } from './map-row.ts'
import { type MentionSink, pushMentionRows, storedProblems } from './mention-rows.ts'
import type { ParseContext } from './parse-value.ts'
import type { RawRow } from './read/index.ts'

/*
 * The order-free part of a row's way in: map, normalise, assemble its mentions and encode them to COPY
 * bytes. It runs on chunks of rows, in the main thread or in worker threads alike (prepare-pool.ts);
 * what depends on the rows before (repeats, unchanged records, ids) stays with the main thread, which
 * splices each row's bytes after the id it hands out (BatchWriter.addPrepared).
 * Nothing here imports a database driver: a worker loads only the mapping and the normalisers.
 */

export type CopyTable = 'records' | 'persons' | 'houses' | 'units'
export type CopyKinds = Record<CopyTable, ColumnKind[]>

/** What a preparer knows of the batch: plain data, so that a worker thread can be handed it. */
export interface PrepareSetup {
  headerCells: string[]
  match: HeaderMatch
  ctx: ParseContext
  mapping: Mapping
  batchId: string
  /** each table's COPY column kinds, in the column orders of mention-rows.ts */
  kinds: CopyKinds
  allowedGrids?: string[]
}

/** Rows to prepare, with the content hashes the main thread took to find unchanged records. */
export interface PrepareJob {
  rows: RawRow[]
  hashes: string[]
}

/** The rows of a job as a preparer takes them, in order: from arrays, or cut from a packed job as they come. */
export interface JobRows {
  readonly length: number
  row(i: number): RawRow
  hash(i: number): string
}

export const jobRows = (job: PrepareJob): JobRows => ({
  length: job.rows.length,
  row: (i) => job.rows[i]!,
  hash: (i) => job.hashes[i]!,
})

/** COPY lines of one table, each without its leading id column. */
export interface PreparedLines {
  bytes: Uint8Array
  /** end offset of each line ('\n' included); a line starts where the one before ends */
  lineEnds: Int32Array
  /** for each row, the index past its last line */
  rowEnds: Int32Array
}

export interface PreparedChunk {
  /** each row's record id as the mapping reads it; undefined where the row gives none */
  recordIds: unknown[]
  /** 1 where the row's own cells (or its grid) refuse it */
  refused: Uint8Array
  /** the refused rows' raw record and problems, null for the others */
  refusals: ({ rawJson: string; problems: Problem[] } | null)[]
  /** an accepted row's warnings, as counted in the summary */
  warnings: Int32Array
  /** an accepted row's problems from its own cells (before its mentions added theirs), null for none */
  cellProblems: (Problem[] | null)[]
  /** 1 where the row names a grid outside the allowed ones (its last problem says so) */
  gridOutside: Uint8Array
  /**
   * Per accepted row, the source_records columns between id and version with no line end; refused rows
   * have an empty line. `rowEnds` is the identity here (one line per row).
   */
  records: PreparedLines
  persons: PreparedLines
  houses: PreparedLines
  units: PreparedLines
}

/** Collects one table's lines and where each row's lines end. */
class LineCollector {
  private readonly buf: CopyBuffer
  private ends: number[] = []
  private readonly rowEnds: Int32Array

  constructor(bytesPerRow: number, rows: number) {
    // at least 64 KiB: a smaller Buffer comes from Node's shared pool, which must not be transferred
    this.buf = new CopyBuffer(Math.max(64 * 1024, bytesPerRow * rows))
    this.rowEnds = new Int32Array(rows)
  }

  add(text: string): void {
    this.buf.append(text)
    this.ends.push(this.buf.bytes)
  }

  endRow(i: number): void {
    this.rowEnds[i] = this.ends.length
  }

  lines(): PreparedLines {
    return { bytes: this.buf.view(), lineEnds: Int32Array.from(this.ends), rowEnds: this.rowEnds }
  }
}

/** The ArrayBuffers a chunk may hand over to another thread without copying. */
export const transferables = (c: PreparedChunk): ArrayBuffer[] =>
  [c.records, c.persons, c.houses, c.units].flatMap((l) => [
    l.bytes.buffer as ArrayBuffer,
    l.lineEnds.buffer as ArrayBuffer,
    l.rowEnds.buffer as ArrayBuffer,
  ])

export class RowPreparer {
  readonly mapper: RowMapper
  private readonly allowedGrids: Set<string> | undefined
  private readonly encode: Record<CopyTable, (row: unknown[]) => string>

  constructor(private readonly setup: PrepareSetup) {
    this.mapper = new RowMapper(setup.headerCells, setup.match, setup.ctx)
    this.allowedGrids = setup.allowedGrids ? new Set(setup.allowedGrids) : undefined
    // The id (first column) is the main thread's to write, and a record's version (last) too: each
    // line is encoded without them.
    const encoder = (table: CopyTable, part: EncodedPart) => {
      const encode = rowEncoder(setup.kinds[table], table, part)
      return (row: unknown[]) => encode(row, 0)
    }
    this.encode = {
      records: encoder('records', { from: 1, to: setup.kinds.records.length - 1, newline: false }),
      persons: encoder('persons', { from: 1 }),
      houses: encoder('houses', { from: 1 }),
      units: encoder('units', { from: 1 }),
    }
  }

  prepare(rows: JobRows): PreparedChunk {
    const n = rows.length
    const { mapping, batchId } = this.setup
    const mapper = this.mapper
    const headerOf = (field: string) => mapper.headerOf(field)
    const recordIds: unknown[] = new Array(n)
    const refused = new Uint8Array(n)
    const refusals: PreparedChunk['refusals'] = new Array(n).fill(null)
    const warnings = new Int32Array(n)
    const cellProblems: PreparedChunk['cellProblems'] = new Array(n).fill(null)
    const gridOutside = new Uint8Array(n)
    const out = {
      records: new LineCollector(1600, n),
      persons: new LineCollector(700, n),
      houses: new LineCollector(400, n),
      units: new LineCollector(64, n),
    }
    // mention rows carry a stand-in id of 0, not encoded: the main thread writes the real one
    const sink: MentionSink = (table, row) => out[table].add(this.encode[table](row))
    for (let i = 0; i < n; i++) {
      const raw = rows.row(i)
      const hash = rows.hash(i)
      const mapped = mapper.map(raw, { rawJson: mapper.rawJson(raw.cells), hash })
      const recordId = mapped.values.get('record_id')
      recordIds[i] = recordId
      if (refuseOutsideGrids(mapper, mapped, raw.row, this.allowedGrids)) gridOutside[i] = 1
      if (mapped.refused) {
        refused[i] = 1
        refusals[i] = { rawJson: mapped.rawJson, problems: mapped.problems }
        out.records.add('')
      } else {
        // what a repeat of this row is refused with, should the main thread find it one
        if (mapped.problems.length > 0) cellProblems[i] = mapped.problems.slice()
        const mentions = assembleMentions(mapping, mapped.values, raw.row, mapped.problems, headerOf)
        warnings[i] = mapped.problems.length
        // id and version (stand-ins, not encoded) are the main thread's to write
        const line = this.encode.records([
          0,
          mapping.source,
          recordId,
          batchId,
          raw.row,
          new JsonText(mapped.rawJson),
          compactValues(mapped.values),
          storedProblems(mapped.problems),
          hash,
          0,
        ])
        out.records.add(line)
        pushMentionRows(sink, 0, mapping.source, recordId as string, mentions)
      }
      out.records.endRow(i)
      out.persons.endRow(i)
      out.houses.endRow(i)
      out.units.endRow(i)
    }
    return {
      recordIds,
      refused,
      refusals,
      warnings,
      cellProblems,
      gridOutside,
      records: out.records.lines(),
      persons: out.persons.lines(),
      houses: out.houses.lines(),
      units: out.units.lines(),
    }
  }
}
