import {
  AsyncByteQueue,
  Bool,
  type Data,
  type DataType,
  Field,
  Float64,
  Int64,
  List,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  Utf8,
} from 'apache-arrow'
import {
  cellOf,
  type ExportColumn,
  type ExportPages,
  type ExportRow,
  readBoolean,
  readFloat,
  readInteger,
  readText,
  readTextList,
} from './columns.ts'

/**
 * Integers are Int64 so no value a column can hold is ever refused mid-stream; a date stays Utf8 (a
 * partial date has no Arrow type). Every field is nullable and a null stays a null.
 */
const arrowType = (c: ExportColumn): DataType => {
  switch (c.type) {
    case 'text':
    case 'date':
      return new Utf8()
    case 'text[]':
      return new List(new Field('item', new Utf8(), true))
    case 'integer':
      return new Int64()
    case 'float':
      return new Float64()
    case 'boolean':
      return new Bool()
  }
}

export const arrowSchema = (columns: readonly ExportColumn[]): Schema =>
  new Schema(columns.map((c) => new Field(c.name, arrowType(c), true)))

/** A validity bitmap, or undefined when nothing is null (Arrow's own shorthand). */
class Validity {
  private readonly bits: Uint8Array
  nulls = 0
  constructor(length: number) {
    this.bits = new Uint8Array((length + 7) >> 3)
  }
  set(i: number, valid: boolean): void {
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7)
    else this.nulls++
  }
  get bitmap(): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits
  }
}

/**
 * Utf8 data for a page's values: the strings joined and encoded in one call, the offsets from
 * Buffer.byteLength, which measured faster than encoding each string into place (Buffer.write,
 * TextEncoder.encodeInto) or counting bytes in JS.
 */
const utf8Data = (values: readonly (string | null)[]): Data<Utf8> => {
  const offsets = new Int32Array(values.length + 1)
  const validity = new Validity(values.length)
  let end = 0
  for (let i = 0; i < values.length; i++) {
    const s = values[i]!
    validity.set(i, s !== null)
    if (s !== null) end += Buffer.byteLength(s)
    offsets[i + 1] = end
  }
  const data = Buffer.from(values.join('')) // join writes null as ''
  // Lone surrogates at the end of one string and the start of the next pair up when joined, and
  // take fewer bytes: then the offsets are wrong, and the page is encoded string by string.
  if (data.length !== end) return utf8DataOneByOne(values)
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: validity.nulls,
    nullBitmap: validity.bitmap,
    valueOffsets: offsets,
    data,
  })
}

/** The slow path for a page holding a lone surrogate: each string encoded on its own. */
const utf8DataOneByOne = (values: readonly (string | null)[]): Data<Utf8> => {
  const parts = values.map((s) => (s === null ? null : Buffer.from(s)))
  const offsets = new Int32Array(values.length + 1)
  const validity = new Validity(values.length)
  for (let i = 0; i < parts.length; i++) {
    validity.set(i, parts[i] !== null)
    offsets[i + 1] = offsets[i]! + (parts[i]?.length ?? 0)
  }
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: validity.nulls,
    nullBitmap: validity.bitmap,
    valueOffsets: offsets,
    data: Buffer.concat(parts.filter((p) => p !== null)),
  })
}

const columnData = (c: ExportColumn, type: DataType, page: readonly ExportRow[]): Data => {
  const n = page.length
  const validity = new Validity(n)
  switch (c.type) {
    case 'text':
    case 'date':
      return utf8Data(page.map((row) => readText(c, cellOf(row, c.name))))
    case 'text[]': {
      const items: (string | null)[] = []
      const offsets = new Int32Array(n + 1)
      for (let i = 0; i < n; i++) {
        const list = readTextList(c, cellOf(page[i]!, c.name))
        validity.set(i, list !== null)
        if (list !== null) for (const item of list) items.push(item)
        offsets[i + 1] = items.length
      }
      return makeData({
        type: type as List<Utf8>,
        length: n,
        nullCount: validity.nulls,
        nullBitmap: validity.bitmap,
        valueOffsets: offsets,
        child: utf8Data(items),
      })
    }
    case 'integer': {
      const data = new BigInt64Array(n)
      for (let i = 0; i < n; i++) {
        const v = readInteger(c, cellOf(page[i]!, c.name))
        validity.set(i, v !== null)
        if (v !== null) data[i] = BigInt(v)
      }
      return makeData({
        type: type as Int64,
        length: n,
        nullCount: validity.nulls,
        nullBitmap: validity.bitmap,
        data,
      })
    }
    case 'float': {
      const data = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        const v = readFloat(c, cellOf(page[i]!, c.name))
        validity.set(i, v !== null)
        if (v !== null) data[i] = v
      }
      return makeData({
        type: type as Float64,
        length: n,
        nullCount: validity.nulls,
        nullBitmap: validity.bitmap,
        data,
      })
    }
    case 'boolean': {
      const data = new Uint8Array((n + 7) >> 3)
      for (let i = 0; i < n; i++) {
        const v = readBoolean(c, cellOf(page[i]!, c.name))
        validity.set(i, v !== null)
        if (v) data[i >> 3]! |= 1 << (i & 7)
      }
      return makeData({
        type: type as Bool,
        length: n,
        nullCount: validity.nulls,
        nullBitmap: validity.bitmap,
        data,
      })
    }
  }
}

/** The writer's byte queue, emptied after every batch so the stream is pulled a page at a time. */
class Drainable extends AsyncByteQueue {
  take(): Buffer {
    return Buffer.concat(this._values.splice(0))
  }
}

/**
 * The export as an Arrow IPC stream (not the file format: it needs no seeking and no footer), one record
 * batch per page. An empty export is the schema message and the end-of-stream marker.
 */
export async function* arrowChunks(
  columns: readonly ExportColumn[],
  pages: ExportPages,
  onRows: (n: number) => void,
): AsyncGenerator<Buffer> {
  const schema = arrowSchema(columns)
  const sink = new Drainable()
  const writer = new RecordBatchStreamWriter()
  writer.reset(sink, schema)
  yield sink.take()
  for await (const page of pages) {
    if (page.length === 0) continue
    const children = columns.map((c, i) => columnData(c, schema.fields[i]!.type, page))
    writer.write(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: page.length, children })),
    )
    onRows(page.length)
    yield sink.take()
  }
  writer.finish()
  yield sink.take()
}
