import type { ExportRow } from './columns.ts'

/**
 * A page of an export held by column, as Arrow lays it out: text as UTF-8 bytes with offsets, lists as
 * offsets into a text column of their items, a validity bitmap where something is null. The CSV and Arrow
 * writers read only this, so a page built from rows and one built straight from PostgreSQL's COPY text
 * (registers/export-copy.ts) are written by the same code, byte for byte.
 */

/** Set bits mark valid values; `bits` is undefined when nothing is null (Arrow's own shorthand). */
export interface Validity {
  bits: Uint8Array | undefined
  nulls: number
}

export interface TextVector extends Validity {
  kind: 'text'
  length: number
  /** length + 1 offsets into data; a null takes no bytes */
  offsets: Int32Array
  data: Uint8Array
}

export interface ListVector extends Validity {
  kind: 'list'
  length: number
  /** length + 1 offsets into items */
  offsets: Int32Array
  items: TextVector
}

export interface IntegerVector extends Validity {
  kind: 'integer'
  length: number
  /** null where the value is null; a bigint beyond 2^53 */
  values: (number | bigint | null)[]
}

export interface FloatVector extends Validity {
  kind: 'float'
  length: number
  values: Float64Array
}

export interface BooleanVector extends Validity {
  kind: 'boolean'
  length: number
  /** one bit a value, as Arrow packs booleans */
  values: Uint8Array
}

export type Vector = TextVector | ListVector | IntegerVector | FloatVector | BooleanVector

/** One vector per export column, in the columns' order. */
export interface ColumnPage {
  kind: 'columns'
  length: number
  vectors: Vector[]
}

/** A page as the read model yields it: rows, or columns already laid out. */
export type ExportPage = readonly ExportRow[] | ColumnPage

export const isColumnPage = (page: ExportPage): page is ColumnPage => !Array.isArray(page)

export const pageLength = (page: ExportPage): number => page.length

/** A validity bitmap being filled, allocated for `capacity` values and grown past it. */
class Bits {
  private bits: Uint8Array
  nulls = 0
  constructor(capacity: number) {
    this.bits = new Uint8Array((Math.max(capacity, 8) + 7) >> 3)
  }
  set(i: number, valid: boolean): void {
    if (i >> 3 >= this.bits.length) {
      const grown = new Uint8Array(this.bits.length * 2)
      grown.set(this.bits)
      this.bits = grown
    }
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7)
    else this.nulls++
  }
  /** Exactly as many bytes as `length` values take: Arrow writes the bitmap as it is given. */
  finish(length: number): Validity {
    return {
      bits: this.nulls === 0 ? undefined : this.bits.subarray(0, (length + 7) >> 3),
      nulls: this.nulls,
    }
  }
}

/** Text values appended one by one, as bytes (copied from a buffer) or as strings (encoded). */
export class TextBuilder {
  private data: Buffer
  private offsets: Int32Array
  private readonly validity: Bits
  private n = 0
  private end = 0

  constructor(capacity: number, bytesPerValue = 16) {
    this.offsets = new Int32Array(capacity + 1)
    this.validity = new Bits(capacity)
    this.data = Buffer.allocUnsafe(Math.max(64, capacity * bytesPerValue))
  }

  get length(): number {
    return this.n
  }

  private room(bytes: number): void {
    if (this.n + 1 >= this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2)
      grown.set(this.offsets)
      this.offsets = grown
    }
    if (this.end + bytes > this.data.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.end + bytes))
      this.data.copy(grown, 0, 0, this.end)
      this.data = grown
    }
  }

  appendNull(): void {
    this.room(0)
    this.validity.set(this.n, false)
    this.offsets[++this.n] = this.end
  }

  /** The bytes src[start, end) as one value. */
  appendBytes(src: Uint8Array, start: number, end: number): void {
    const len = end - start
    this.room(len)
    const data = this.data
    let o = this.end
    // short values (most are) copy faster byte by byte than through a native call
    if (len < 64) for (let i = start; i < end; i++) data[o++] = src[i]!
    else {
      data.set(src.subarray(start, end), o)
      o += len
    }
    this.end = o
    this.validity.set(this.n, true)
    this.offsets[++this.n] = o
  }

  /** The bytes of `head`, then src[start, end), as one value. */
  appendJoined(head: Uint8Array, src: Uint8Array, start: number, end: number): void {
    this.room(head.length + end - start)
    const data = this.data
    let o = this.end
    for (let i = 0; i < head.length; i++) data[o++] = head[i]!
    for (let i = start; i < end; i++) data[o++] = src[i]!
    this.end = o
    this.validity.set(this.n, true)
    this.offsets[++this.n] = o
  }

  /** A string, encoded as Buffer.from would: a lone surrogate becomes U+FFFD, never paired with the next value. */
  appendString(s: string): void {
    this.room(s.length * 3)
    this.end += this.data.write(s, this.end)
    this.validity.set(this.n, true)
    this.offsets[++this.n] = this.end
  }

  append(s: string | null): void {
    if (s === null) this.appendNull()
    else this.appendString(s)
  }

  finish(): TextVector {
    return {
      kind: 'text',
      length: this.n,
      offsets: this.offsets.subarray(0, this.n + 1),
      data: this.data.subarray(0, this.end),
      ...this.validity.finish(this.n),
    }
  }
}

/** Lists of text: each list opened, its items appended to the item column, then closed. */
export class ListBuilder {
  readonly items: TextBuilder
  private readonly offsets: Int32Array
  private readonly validity: Bits
  private n = 0

  constructor(capacity: number) {
    this.offsets = new Int32Array(capacity + 1)
    this.validity = new Bits(capacity)
    this.items = new TextBuilder(capacity, 8)
  }

  appendNull(): void {
    this.validity.set(this.n, false)
    this.offsets[++this.n] = this.items.length
  }

  /** Ends a list whose items have just been appended to `items`. */
  closeList(): void {
    this.validity.set(this.n, true)
    this.offsets[++this.n] = this.items.length
  }

  finish(): ListVector {
    return {
      kind: 'list',
      length: this.n,
      offsets: this.offsets.subarray(0, this.n + 1),
      items: this.items.finish(),
      ...this.validity.finish(this.n),
    }
  }
}

export class IntegerBuilder {
  private readonly values: (number | bigint | null)[] = []
  private readonly validity: Bits
  constructor(capacity: number) {
    this.validity = new Bits(capacity)
  }
  append(v: number | bigint | null): void {
    this.validity.set(this.values.length, v !== null)
    this.values.push(v)
  }
  finish(): IntegerVector {
    const length = this.values.length
    return { kind: 'integer', length, values: this.values, ...this.validity.finish(length) }
  }
}

export class FloatBuilder {
  private readonly values: Float64Array
  private readonly validity: Bits
  private n = 0
  constructor(capacity: number) {
    this.values = new Float64Array(capacity)
    this.validity = new Bits(capacity)
  }
  append(v: number | null): void {
    this.validity.set(this.n, v !== null)
    if (v !== null) this.values[this.n] = v
    this.n++
  }
  finish(): FloatVector {
    return {
      kind: 'float',
      length: this.n,
      values: this.values.subarray(0, this.n),
      ...this.validity.finish(this.n),
    }
  }
}

export class BooleanBuilder {
  private readonly values: Uint8Array
  private readonly validity: Bits
  private n = 0
  constructor(capacity: number) {
    this.values = new Uint8Array((capacity + 7) >> 3)
    this.validity = new Bits(capacity)
  }
  append(v: boolean | null): void {
    this.validity.set(this.n, v !== null)
    if (v) this.values[this.n >> 3]! |= 1 << (this.n & 7)
    this.n++
  }
  finish(): BooleanVector {
    return {
      kind: 'boolean',
      length: this.n,
      values: this.values.subarray(0, (this.n + 7) >> 3),
      ...this.validity.finish(this.n),
    }
  }
}
