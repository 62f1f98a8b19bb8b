import { hashPrint } from './hash-print.ts'
import { RecordIdTable } from './record-id-table.ts'

/**
 * Which row each record id first came on in a batch, and a 24-bit print of that row's content, packed
 * into one number per id (record-id-table.ts).
 * The print only tells an exact repeat (DUPLICATE_ROW) from a clash (DUPLICATE_RECORD_ID); both are
 * refused, so a one-in-sixteen-million collision changes a message, never what is taken.
 */
const ROW_SPAN = 2 ** 29

/** The first four base64 characters of a content hash, as a 24-bit number. */
const contentPrint = (hash: string): number => hashPrint(hash, 0, 4)

export class FirstSeen {
  private readonly seen = new RecordIdTable()

  /** On a first sighting remembers the row and returns undefined; else the earlier row and whether it was identical. */
  check(recordId: string, row: number, hash: string): { row: number; same: boolean } | undefined {
    const print = contentPrint(hash)
    const earlier = this.seen.getOrSet(recordId, print * ROW_SPAN + (row % ROW_SPAN))
    if (earlier === undefined) return undefined
    return { row: earlier % ROW_SPAN, same: Math.floor(earlier / ROW_SPAN) === print }
  }
}
