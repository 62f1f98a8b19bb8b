import type { Tx } from '../db/index.ts'
import { hashPrint } from './hash-print.ts'
import { RecordIdTable } from './record-id-table.ts'

/**
 * The records a source already has, to tell a batch's new, changed and unchanged rows apart: for each
 * record id its row id, version and a 60-bit print of its content hash (a false "unchanged" would need
 * two different rows to agree on 60 bits: about one in 10^18). Kept in typed arrays, the ids' slots in
 * a RecordIdTable: a register of a million records costs tens of megabytes, not hundreds, and is read a
 * page at a time so the load never holds the whole result set.
 */
const PAGE = 50_000

/** 30 bits from five base64 characters of the hash, starting at `from`. */
const print30 = (hash: string, from: number): number => hashPrint(hash, from, 5)

export interface KnownRecord {
  id: number
  version: number
  /** whether the row with this content hash is the one already stored */
  same: boolean
}

export class KnownRecords {
  private readonly slots = new RecordIdTable()
  private ids = new Float64Array(1024)
  private versions = new Int32Array(1024)
  private printsHi = new Int32Array(1024)
  private printsLo = new Int32Array(1024)

  get size(): number {
    return this.slots.size
  }

  static async load(tx: Tx, source: string): Promise<KnownRecords> {
    const known = new KnownRecords()
    for (let after = 0; ;) {
      const page = await tx.query<{
        id: number | string
        record_id: string
        row_hash: string
        version: number
      }>(
        `SELECT id, record_id, row_hash, version FROM source_records
         WHERE source = $1 AND id > $2 ORDER BY id LIMIT ${PAGE}`,
        [source, after],
      )
      for (const r of page) known.add(r.record_id, Number(r.id), r.version, r.row_hash)
      if (page.length < PAGE) return known
      after = Number(page[page.length - 1]!.id)
    }
  }

  add(recordId: string, id: number, version: number, hash: string): void {
    const slot = this.slots.size
    if (slot === this.ids.length) this.grow()
    this.slots.set(recordId, slot)
    this.ids[slot] = id
    this.versions[slot] = version
    this.printsHi[slot] = print30(hash, 0)
    this.printsLo[slot] = print30(hash, 5)
  }

  get(recordId: string, hash: string): KnownRecord | undefined {
    const slot = this.slots.get(recordId)
    if (slot === undefined) return undefined
    return {
      id: this.ids[slot]!,
      version: this.versions[slot]!,
      same: this.printsHi[slot] === print30(hash, 0) && this.printsLo[slot] === print30(hash, 5),
    }
  }

  private grow(): void {
    const n = this.ids.length * 2
    const grown = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n)
      b.set(a)
      return b
    }
    this.ids = grown(this.ids, (k) => new Float64Array(k))
    this.versions = grown(this.versions, (k) => new Int32Array(k))
    this.printsHi = grown(this.printsHi, (k) => new Int32Array(k))
    this.printsLo = grown(this.printsLo, (k) => new Int32Array(k))
  }
}
