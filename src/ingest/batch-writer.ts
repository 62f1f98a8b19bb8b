import type { Mention } from '../../schemas/mentions.ts'
import type { Problem } from '../../schemas/problem.ts'
import { COLUMN_KINDS_SQL, type ColumnKind, kindsFor, quoteTable, rowEncoder } from '../db/copy-text.ts'
import { CopyBuffer, type Database, type JsonText, type Tx } from '../db/index.ts'
import { KnownRecords } from './known-records.ts'
import {
  HOUSE_COLUMNS,
  type MentionSink,
  PERSON_COLUMNS,
  pushMentionRows,
  RECORD_COLUMNS,
  storedProblems,
  UNIT_COLUMNS,
} from './mention-rows.ts'
import type { CopyKinds, CopyTable, PreparedChunk, PreparedLines } from './prepare.ts'

export { storedProblems } from './mention-rows.ts'

export interface AcceptedRecord {
  recordId: string
  row: number
  raw: JsonText
  data: Record<string, unknown>
  problems: Problem[]
  rowHash: string
  mentions: Mention[]
}

type Encode = (row: unknown[]) => string

const CHUNK = 10_000

/** One chunk of the batch, already in COPY text: nothing of its rows is kept as objects. */
interface Chunk {
  rows: number
  records: CopyBuffer
  /** new versions of records seen in an earlier batch, bound for the staging table */
  changed: CopyBuffer
  changedIds: number[]
  persons: CopyBuffer
  houses: CopyBuffer
  units: CopyBuffer
}

const emptyChunk = (): Chunk => ({
  rows: 0,
  records: new CopyBuffer(8 << 20),
  changed: new CopyBuffer(1 << 10),
  changedIds: [],
  persons: new CopyBuffer(4 << 20),
  houses: new CopyBuffer(4 << 20),
  units: new CopyBuffer(1 << 16),
})

/**
 * Row `i`'s lines of one mention table, each after its record's id. A function of the module, not a
 * closure made per row: three allocations a row, and run through tsx (whose keepNames names every
 * closure with a call of its own) 0.3 s of a million-row load's main thread.
 */
const spliceRow = (into: CopyBuffer, lines: PreparedLines, i: number, prefix: string): void => {
  const first = i === 0 ? 0 : lines.rowEnds[i - 1]!
  for (let l = first; l < lines.rowEnds[i]!; l++)
    into.appendSpliced(prefix, lines.bytes, l === 0 ? 0 : lines.lineEnds[l - 1]!, lines.lineEnds[l]!, '')
}

/** A written chunk made ready to fill again, its buffers kept at the size they grew to. */
const cleared = (chunk: Chunk): Chunk => {
  chunk.rows = 0
  chunk.changedIds = []
  for (const b of [chunk.records, chunk.changed, chunk.persons, chunk.houses, chunk.units]) b.clear()
  return chunk
}

/**
 * Writes a batch's accepted records inside the caller's transaction: new (source, record_id) keys go
 * straight in by COPY; a key seen before with other content moves its old version to history and is
 * rewritten with its mentions; a key seen before with the same content is left alone.
 *
 * Each record is encoded to COPY bytes the moment it arrives, so its objects die young: keeping ten
 * thousand records' objects (or their text as one growing string) until their chunk was written cost a
 * fifth of the load in garbage collection.
 * Ids are reserved ahead (two chunks' worth at the start, one more after each write), so encoding
 * never waits on the database.
 */
export class BatchWriter {
  inserted = 0
  updated = 0
  unchanged = 0
  private chunk = emptyChunk()
  /**
   * The chunk written last, to fill again: a fresh chunk's buffers (about 30 MB, growing as they fill)
   * each time were a stream of large allocations outside the heap that made V8 collect far more often.
   */
  private spare: Chunk | undefined
  private flushing: Promise<void> = Promise.resolve()
  private ids: number[] = []
  private stagingReady = false

  private constructor(
    private readonly db: Database,
    private readonly tx: Tx,
    private readonly batchId: string,
    private readonly source: string,
    private readonly known: KnownRecords,
    /** each table's COPY column kinds: what a RowPreparer (perhaps in a worker) encodes with */
    readonly kinds: CopyKinds,
    private readonly encode: Record<CopyTable, Encode>,
  ) {}

  static async open(db: Database, tx: Tx, batchId: string, source: string): Promise<BatchWriter> {
    const known = await KnownRecords.load(tx, source)
    const kindsOf = async (table: string, columns: string[]): Promise<ColumnKind[]> =>
      kindsFor(table, columns, await tx.query(COLUMN_KINDS_SQL, [quoteTable(table)]))
    const kinds: CopyKinds = {
      records: await kindsOf('source_records', RECORD_COLUMNS),
      persons: await kindsOf('source_persons', PERSON_COLUMNS),
      houses: await kindsOf('source_houses', HOUSE_COLUMNS),
      units: await kindsOf('source_units', UNIT_COLUMNS),
    }
    const encoder = (table: CopyTable): Encode => {
      const encode = rowEncoder(kinds[table], table)
      return (row) => encode(row, 0)
    }
    const encode = {
      records: encoder('records'),
      persons: encoder('persons'),
      houses: encoder('houses'),
      units: encoder('units'),
    }
    const writer = new BatchWriter(db, tx, batchId, source, known, kinds, encode)
    await writer.reserveIds(2 * CHUNK)
    return writer
  }

  /**
   * Encodes a record into the current chunk. Returns a promise only when the chunk is full: await it,
   * and reading runs ahead of writing by at most one chunk; otherwise nothing to await.
   */
  add(r: AcceptedRecord): Promise<void> | undefined {
    // a record id comes once per batch (repeats are refused before the writer), so what is known of
    // it is what earlier batches left
    const k = this.known.get(r.recordId, r.rowHash)
    if (k?.same) {
      this.unchanged++
      return undefined
    }
    const chunk = this.chunk
    let id: number
    if (!k) {
      const reserved = this.ids.pop()
      if (reserved === undefined) throw new Error('BatchWriter: no reserved ids left (internal error)')
      id = reserved
      chunk.records.append(this.encode.records(this.recordRow(id, r, 1)))
      this.inserted++
    } else {
      id = k.id
      chunk.changed.append(this.encode.records(this.recordRow(id, r, k.version + 1)))
      chunk.changedIds.push(id)
      this.updated++
    }
    const sink: MentionSink = (table, row) => {
      chunk[table].append(this.encode[table](row))
    }
    pushMentionRows(sink, id, this.source, r.recordId, r.mentions)
    return this.rowDone(chunk)
  }

  /**
   * As add(), for row `i` of a chunk a RowPreparer encoded: its bytes are copied in after the id
   * handed out here, so the lines are those add() would write.
   */
  addPrepared(recordId: string, rowHash: string, p: PreparedChunk, i: number): Promise<void> | undefined {
    const k = this.known.get(recordId, rowHash)
    if (k?.same) {
      this.unchanged++
      return undefined
    }
    const chunk = this.chunk
    let id: number
    const start = i === 0 ? 0 : p.records.lineEnds[i - 1]!
    const end = p.records.lineEnds[i]!
    if (!k) {
      const reserved = this.ids.pop()
      if (reserved === undefined) throw new Error('BatchWriter: no reserved ids left (internal error)')
      id = reserved
      chunk.records.appendSpliced(`${id}\t`, p.records.bytes, start, end, '\t1\n')
      this.inserted++
    } else {
      id = k.id
      chunk.changed.appendSpliced(`${id}\t`, p.records.bytes, start, end, `\t${k.version + 1}\n`)
      chunk.changedIds.push(id)
      this.updated++
    }
    const prefix = `${id}\t`
    spliceRow(chunk.persons, p.persons, i, prefix)
    spliceRow(chunk.houses, p.houses, i, prefix)
    spliceRow(chunk.units, p.units, i, prefix)
    return this.rowDone(chunk)
  }

  /** Counts a row into its chunk; a full chunk goes to the database behind the one still writing. */
  private rowDone(chunk: Chunk): Promise<void> | undefined {
    if (++chunk.rows < CHUNK) return undefined
    this.chunk = this.spare ? cleared(this.spare) : emptyChunk()
    this.spare = undefined
    return this.flushing.then(() => {
      this.flushing = this.write(chunk)
      // the failure surfaces at the next full chunk or finish(); until then it must not count as unhandled
      this.flushing.catch(() => {})
    })
  }

  /** Whether a record is stored with this very content (nothing counted): it need not be mapped. */
  isUnchanged(recordId: string, rowHash: string): boolean {
    return this.known.get(recordId, rowHash)?.same === true
  }

  /**
   * Takes a row whose record is stored with this very content: nothing to write. Returns false when
   * the record is new or changed, and the caller maps the row and adds it.
   */
  skipIfUnchanged(recordId: string, rowHash: string): boolean {
    if (!this.known.get(recordId, rowHash)?.same) return false
    this.unchanged++
    return true
  }

  /** Waits for the chunk in flight, if any, to end, whatever its outcome: before a rollback. */
  async settle(): Promise<void> {
    await this.flushing.catch(() => {})
  }

  async finish(): Promise<void> {
    await this.flushing
    const last = this.chunk
    this.chunk = emptyChunk()
    if (last.rows > 0) await this.write(last)
  }

  private recordRow(id: number, r: AcceptedRecord, version: number): unknown[] {
    return [
      id,
      this.source,
      r.recordId,
      this.batchId,
      r.row,
      r.raw,
      r.data,
      storedProblems(r.problems),
      r.rowHash,
      version,
    ]
  }

  private async reserveIds(n: number): Promise<void> {
    const rows = await this.tx.query<{ id: string | number }>(
      `SELECT nextval(pg_get_serial_sequence('source_records', 'id')) AS id FROM generate_series(1, $1::int)`,
      [n],
    )
    // popped from the end: the new ids go beneath those still held, so ids go out in ascending order
    // and a record's id does not depend on how far reading had got when the reservation came back
    const fresh: number[] = []
    for (let i = rows.length - 1; i >= 0; i--) fresh.push(Number(rows[i]!.id))
    this.ids = fresh.concat(this.ids)
  }

  private async write(chunk: Chunk): Promise<void> {
    if (chunk.changedIds.length > 0) await this.replaceChanged(chunk)
    await this.db.copyText(this.tx, 'source_records', RECORD_COLUMNS, chunk.records.view())
    await this.db.copyText(this.tx, 'source_persons', PERSON_COLUMNS, chunk.persons.view())
    await this.db.copyText(this.tx, 'source_houses', HOUSE_COLUMNS, chunk.houses.view())
    await this.db.copyText(this.tx, 'source_units', UNIT_COLUMNS, chunk.units.view())
    // the server has all of its bytes: its buffers may be filled again
    this.spare = chunk
    if (this.ids.length < 2 * CHUNK) await this.reserveIds(CHUNK)
  }

  /** Old versions to history, old mentions out, new versions in over the same ids. */
  private async replaceChanged(chunk: Chunk): Promise<void> {
    const ids = chunk.changedIds
    await this.tx.query(
      `INSERT INTO source_record_history
         (source_record_id, version, batch_id, row_number, raw, data, problems, row_hash, replaced_by_batch)
       SELECT id, version, batch_id, row_number, raw, data, problems, row_hash, $2
       FROM source_records WHERE id = ANY($1::bigint[])`,
      [ids, this.batchId],
    )
    for (const table of ['source_persons', 'source_houses', 'source_units'])
      await this.tx.query(`DELETE FROM ${table} WHERE source_record_id = ANY($1::bigint[])`, [ids])
    if (!this.stagingReady) {
      await this.tx.exec(
        'CREATE TEMP TABLE IF NOT EXISTS staging_records (LIKE source_records INCLUDING DEFAULTS) ON COMMIT DROP',
      )
      this.stagingReady = true
    }
    await this.tx.exec('TRUNCATE staging_records')
    await this.db.copyText(this.tx, 'staging_records', RECORD_COLUMNS, chunk.changed.view())
    await this.tx.query(
      `UPDATE source_records t SET batch_id = s.batch_id, row_number = s.row_number, raw = s.raw, data = s.data,
         problems = s.problems, row_hash = s.row_hash, version = s.version, updated_at = now()
       FROM staging_records s WHERE t.id = s.id`,
    )
  }
}
