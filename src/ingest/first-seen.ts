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

/**
 * The id as a number when it is a plain decimal (no sign, no leading zero) that a double holds exactly:
 * most registers number their records so (3201040000000001). -1 for any other id.
 */
const plainNumber = (id: string): number => {
  const n = id.length
  if (n === 0 || n > 16) return -1
  const first = id.charCodeAt(0)
  if (first < 0x31 || first > 0x39) return -1
  for (let i = 1; i < n; i++) {
    const c = id.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return -1
  }
  const value = Number(id)
  return Number.isSafeInteger(value) ? value : -1
}

const TWO_32 = 2 ** 32

/**
 * Numbered ids live in an open-addressing table of two Float64Arrays, not in a Map: a million of them
 * cost 32 MB outside the JavaScript heap, where a Map of their strings held about 75 MB inside it, and the
 * garbage collector went through all of it at every full collection. Other ids go to a Map.
 */
export class FirstSeen {
  private readonly byText = new Map<string, number>()
  /** id + 1 per slot (0: empty), and the packed row and print beside it */
  private keys = new Float64Array(1 << 14)
  private values = new Float64Array(1 << 14)
  private count = 0

  /** On a first sighting remembers the row and returns undefined; else the earlier row and whether it was identical. */
  check(recordId: string, row: number, hash: string): { row: number; same: boolean } | undefined {
    const print = contentPrint(hash)
    const packed = print * ROW_SPAN + (row % ROW_SPAN)
    const number = plainNumber(recordId)
    let earlier: number | undefined
    if (number < 0) {
      earlier = this.byText.get(recordId)
      if (earlier === undefined) this.byText.set(compactKey(recordId), packed)
    } else {
      earlier = this.numbered(number, packed)
    }
    if (earlier === undefined) return undefined
    return { row: earlier % ROW_SPAN, same: Math.floor(earlier / ROW_SPAN) === print }
  }

  /** The packed value stored for a numbered id, or undefined after storing `packed` for it. */
  private numbered(id: number, packed: number): number | undefined {
    const key = id + 1
    const mask = this.keys.length - 1
    // a multiplicative mix of both halves: sequential ids spread over the table
    let slot = (Math.imul((id % TWO_32) ^ Math.floor(id / TWO_32), 0x9e3779b1) >>> 0) & mask
    for (;;) {
      const at = this.keys[slot]!
      if (at === key) return this.values[slot]!
      if (at === 0) break
      slot = (slot + 1) & mask
    }
    this.keys[slot] = key
    this.values[slot] = packed
    if (++this.count * 2 > this.keys.length) this.grow()
    return undefined
  }

  private grow(): void {
    const keys = this.keys
    const values = this.values
    this.keys = new Float64Array(keys.length * 2)
    this.values = new Float64Array(keys.length * 2)
    this.count = 0
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.numbered(keys[i]! - 1, values[i]!)
  }
}
