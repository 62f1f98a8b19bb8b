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
import type { TextVector, Vector } from './column-page.ts'
import { columnPage } from './page-rows.ts'
import type { ExportColumn, ExportPages } from './columns.ts'

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

const utf8Data = (v: TextVector): Data<Utf8> =>
  makeData({
    type: new Utf8(),
    length: v.length,
    nullCount: v.nulls,
    nullBitmap: v.bits,
    valueOffsets: v.offsets,
    data: v.data,
  })

const columnData = (type: DataType, v: Vector): Data => {
  const common = { length: v.length, nullCount: v.nulls, nullBitmap: v.bits }
  switch (v.kind) {
    case 'text':
      return utf8Data(v)
    case 'list':
      return makeData({
        ...common,
        type: type as List<Utf8>,
        valueOffsets: v.offsets,
        child: utf8Data(v.items),
      })
    case 'integer': {
      // BigInt64Array keeps the low 64 bits of a wider value, as Int64 must
      const data = new BigInt64Array(v.length)
      for (let i = 0; i < v.length; i++) {
        const x = v.values[i]
        if (x != null) data[i] = BigInt(x)
      }
      return makeData({ ...common, type: type as Int64, data })
    }
    case 'float':
      return makeData({ ...common, type: type as Float64, data: v.values })
    case 'boolean':
      return makeData({ ...common, type: type as Bool, data: v.values })
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
    const { vectors, length } = columnPage(columns, page)
    const children = vectors.map((v, i) => columnData(schema.fields[i]!.type, v))
    writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children })))
    onRows(length)
    yield sink.take()
  }
  writer.finish()
  yield sink.take()
}
