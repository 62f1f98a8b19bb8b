/**
 * A map from record id to one number, for the million ids of a large batch or register. Ids that are
 * plain decimals a double holds exactly (3201040000000001, as most registers number their records) live
 * in an open-addressing table of two Float64Arrays: a million cost 32 MB outside the JavaScript heap,
 * where a Map of their strings held about 75 MB inside it and the garbage collector walked all of it at
 * every full collection. Any other id goes to a Map.
 */

/** The id as a number when it is a plain decimal (no sign, no leading zero) held exactly; else -1. */
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

/**
 * The id as a one-byte string when it is ASCII, as record ids are: cut from a line with Chinese text
 * it is a two-byte string (or a view into that line), and a million of them would cost twice the memory.
 */
const compactKey = (id: string): string => {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0x7f) return id
  return Buffer.from(id, 'latin1').toString('latin1')
}

const TWO_32 = 2 ** 32

export class RecordIdTable {
  private readonly byText = new Map<string, number>()
  /** id + 1 per slot (0: empty), and its value beside it */
  private keys = new Float64Array(1 << 14)
  private values = new Float64Array(1 << 14)
  private numbered = 0

  get size(): number {
    return this.numbered + this.byText.size
  }

  get(recordId: string): number | undefined {
    const id = plainNumber(recordId)
    if (id < 0) return this.byText.get(recordId)
    const slot = this.slotOf(id)
    return this.keys[slot] === 0 ? undefined : this.values[slot]
  }

  set(recordId: string, value: number): void {
    const id = plainNumber(recordId)
    if (id < 0) this.byText.set(compactKey(recordId), value)
    else this.put(id, value)
  }

  /** The value stored for the id, or undefined after storing `value` for it: one look-up for both. */
  getOrSet(recordId: string, value: number): number | undefined {
    const id = plainNumber(recordId)
    if (id < 0) {
      const earlier = this.byText.get(recordId)
      if (earlier === undefined) this.byText.set(compactKey(recordId), value)
      return earlier
    }
    const slot = this.slotOf(id)
    if (this.keys[slot] !== 0) return this.values[slot]
    this.store(slot, id, value)
    return undefined
  }

  /** The id's slot, or the empty slot where it would go. */
  private slotOf(id: number): number {
    const key = id + 1
    const mask = this.keys.length - 1
    // a multiplicative mix of both halves: sequential ids spread over the table
    let slot = (Math.imul((id % TWO_32) ^ Math.floor(id / TWO_32), 0x9e3779b1) >>> 0) & mask
    for (let at = this.keys[slot]!; at !== 0 && at !== key; at = this.keys[slot]!) slot = (slot + 1) & mask
    return slot
  }

  private put(id: number, value: number): void {
    const slot = this.slotOf(id)
    if (this.keys[slot] !== 0) this.values[slot] = value
    else this.store(slot, id, value)
  }

  private store(slot: number, id: number, value: number): void {
    this.keys[slot] = id + 1
    this.values[slot] = value
    if (++this.numbered * 2 > this.keys.length) this.grow()
  }

  private grow(): void {
    const { keys, values } = this
    this.keys = new Float64Array(keys.length * 2)
    this.values = new Float64Array(keys.length * 2)
    this.numbered = 0
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.put(keys[i]! - 1, values[i]!)
  }
}
