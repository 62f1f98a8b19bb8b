import type { Mention } from '../../schemas/mentions.ts'
import type { Problem } from '../../schemas/problem.ts'
import type { Database, JsonText, Tx } from '../db/index.ts'
import {
  HOUSE_COLUMNS,
  type MentionRows,
  PERSON_COLUMNS,
  pushMentionRows,
  UNIT_COLUMNS,
} from './mention-rows.ts'

export interface AcceptedRecord {
  recordId: string
  row: number
  raw: JsonText
  data: Record<string, unknown>
  problems: Problem[]
  rowHash: string
  mentions: Mention[]
}

interface Known {
  id: number
  hash: string
  version: number
}

const RECORD_COLUMNS = [
  'id',
  'source',
  'record_id',
  'batch_id',
  'row_number',
  'raw',
  'data',
  'problems',
  'row_hash',
  'version',
]
const CHUNK = 10_000

/** Strips the column names of per-row problems to what the table keeps (no row: it is the record's own). */
const storedProblems = (problems: Problem[]): unknown[] =>
  problems.map(({ column, code, severity, detail }) => ({ column, code, severity, detail }))

/**
 * Writes a batch's accepted records inside the caller's transaction: new (source, record_id) keys go
 * straight in by COPY; a key seen before with other content moves its old version to history and is
 * rewritten with its mentions; a key seen before with the same content is left alone.
 */
export class BatchWriter {
  inserted = 0
  updated = 0
  unchanged = 0
  private pending: AcceptedRecord[] = []
  private flushing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly db: Database,
    private readonly tx: Tx,
    private readonly batchId: string,
    private readonly source: string,
    private readonly known: Map<string, Known>,
  ) {}

  static async open(db: Database, tx: Tx, batchId: string, source: string): Promise<BatchWriter> {
    const rows = await tx.query<{
      record_id: string
      id: string | number
      row_hash: string
      version: number
    }>('SELECT record_id, id, row_hash, version FROM source_records WHERE source = $1', [source])
    const known = new Map<string, Known>()
    for (const r of rows) known.set(r.record_id, { id: Number(r.id), hash: r.row_hash, version: r.version })
    return new BatchWriter(db, tx, batchId, source, known)
  }

  /**
   * Buffers a record. Returns a promise only when a chunk is full: await it, and reading runs ahead of
   * writing by at most one chunk; otherwise nothing to await (an await per row costs the hot loop).
   */
  add(record: AcceptedRecord): Promise<void> | undefined {
    this.pending.push(record)
    if (this.pending.length < CHUNK) return undefined
    const chunk = this.pending
    this.pending = []
    return this.flushing.then(() => {
      this.flushing = this.writeChunk(chunk)
      // the failure surfaces at the next full chunk or finish(); until then it must not count as unhandled
      this.flushing.catch(() => {})
    })
  }

  /** Waits for the chunk in flight, if any, to end, whatever its outcome: before a rollback. */
  async settle(): Promise<void> {
    await this.flushing.catch(() => {})
  }

  async finish(): Promise<void> {
    await this.flushing
    if (this.pending.length > 0) await this.writeChunk(this.pending)
    this.pending = []
  }

  private async writeChunk(chunk: AcceptedRecord[]): Promise<void> {
    const fresh: AcceptedRecord[] = []
    const changed: Array<{ record: AcceptedRecord; known: Known }> = []
    for (const r of chunk) {
      const k = this.known.get(r.recordId)
      if (!k) fresh.push(r)
      else if (k.hash === r.rowHash) this.unchanged++
      else changed.push({ record: r, known: k })
    }
    const mentions: MentionRows = { persons: [], houses: [], units: [] }
    if (fresh.length > 0) await this.insertFresh(fresh, mentions)
    if (changed.length > 0) await this.updateChanged(changed, mentions)
    await this.db.copyInto(this.tx, 'source_persons', PERSON_COLUMNS, mentions.persons)
    await this.db.copyInto(this.tx, 'source_houses', HOUSE_COLUMNS, mentions.houses)
    await this.db.copyInto(this.tx, 'source_units', UNIT_COLUMNS, mentions.units)
  }

  private async reserveIds(n: number): Promise<number[]> {
    const rows = await this.tx.query<{ id: string | number }>(
      `SELECT nextval(pg_get_serial_sequence('source_records', 'id')) AS id FROM generate_series(1, $1::int)`,
      [n],
    )
    return rows.map((r) => Number(r.id))
  }

  private async insertFresh(fresh: AcceptedRecord[], mentions: MentionRows): Promise<void> {
    const ids = await this.reserveIds(fresh.length)
    const rows = fresh.map((r, i) => {
      const id = ids[i]!
      this.known.set(r.recordId, { id, hash: r.rowHash, version: 1 })
      pushMentionRows(mentions, id, this.source, r.recordId, r.mentions)
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
        1,
      ]
    })
    await this.db.copyInto(this.tx, 'source_records', RECORD_COLUMNS, rows)
    this.inserted += fresh.length
  }

  private async updateChanged(
    changed: Array<{ record: AcceptedRecord; known: Known }>,
    mentions: MentionRows,
  ): Promise<void> {
    const ids = changed.map((c) => c.known.id)
    await this.tx.query(
      `INSERT INTO source_record_history
         (source_record_id, version, batch_id, row_number, raw, data, problems, row_hash, replaced_by_batch)
       SELECT id, version, batch_id, row_number, raw, data, problems, row_hash, $2
       FROM source_records WHERE id = ANY($1::bigint[])`,
      [ids, this.batchId],
    )
    for (const table of ['source_persons', 'source_houses', 'source_units'])
      await this.tx.query(`DELETE FROM ${table} WHERE source_record_id = ANY($1::bigint[])`, [ids])
    await this.tx.exec(
      `CREATE TEMP TABLE IF NOT EXISTS staging_records (LIKE source_records INCLUDING DEFAULTS) ON COMMIT DROP;
       TRUNCATE staging_records`,
    )
    const rows = changed.map(({ record: r, known: k }) => {
      k.hash = r.rowHash
      k.version += 1
      pushMentionRows(mentions, k.id, this.source, r.recordId, r.mentions)
      return [
        k.id,
        this.source,
        r.recordId,
        this.batchId,
        r.row,
        r.raw,
        r.data,
        storedProblems(r.problems),
        r.rowHash,
        k.version,
      ]
    })
    await this.db.copyInto(this.tx, 'staging_records', RECORD_COLUMNS, rows)
    await this.tx.query(
      `UPDATE source_records t SET batch_id = s.batch_id, row_number = s.row_number, raw = s.raw, data = s.data,
         problems = s.problems, row_hash = s.row_hash, version = s.version, updated_at = now()
       FROM staging_records s WHERE t.id = s.id`,
    )
    this.updated += changed.length
  }
}
