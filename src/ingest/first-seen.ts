/**
 * Which row each record id first came on in a batch, and a 24-bit print of that row's content, packed
 * into one number per id: a million-row batch keeps a million numbers here, not a million strings.
 * The print only tells an exact repeat (DUPLICATE_ROW) from a clash (DUPLICATE_RECORD_ID); both are
 * refused, so a one-in-sixteen-million collision changes a message, never what is taken.
 */
const ROW_SPAN = 2 ** 29

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const SEXTET = new Uint8Array(128)
for (let i = 0; i < BASE64.length; i++) SEXTET[BASE64.charCodeAt(i)] = i

/** The first four base64 characters of a content hash, as a 24-bit number. */
const contentPrint = (hash: string): number =>
  (SEXTET[hash.charCodeAt(0) & 127]! << 18) |
  (SEXTET[hash.charCodeAt(1) & 127]! << 12) |
  (SEXTET[hash.charCodeAt(2) & 127]! << 6) |
  SEXTET[hash.charCodeAt(3) & 127]!

/**
 * The id as a one-byte string when it is ASCII, as record ids are: cut from a line with Chinese text
 * it is a two-byte string (or a view into that line), and a million of them would cost twice the memory.
 */
const compactKey = (id: string): string => {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0x7f) return id
  return Buffer.from(id, 'latin1').toString('latin1')
}

export class FirstSeen {
  private readonly seen = new Map<string, number>()

  /** On a first sighting remembers the row and returns undefined; else the earlier row and whether it was identical. */
  check(recordId: string, row: number, hash: string): { row: number; same: boolean } | undefined {
    const print = contentPrint(hash)
    const earlier = this.seen.get(recordId)
    if (earlier === undefined) {
      this.seen.set(compactKey(recordId), print * ROW_SPAN + (row % ROW_SPAN))
      return undefined
    }
    return { row: earlier % ROW_SPAN, same: Math.floor(earlier / ROW_SPAN) === print }
  }
}
