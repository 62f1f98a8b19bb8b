import { RecordBatchReader, tableFromIPC, Type } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { exportStream } from '../../../src/api/exports/index.ts'
import { collect, COLUMNS, EDGE_ROWS, pagesOf } from './support.ts'

const arrowOf = async (rows = EDGE_ROWS, pageSize = 5) =>
  collect(exportStream('arrow', COLUMNS, pagesOf(rows, pageSize)))

/** The table back as plain values: lists as arrays, Int64 as bigint. */
const valuesOf = (bytes: Buffer) => {
  const table = tableFromIPC(bytes)
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(
      COLUMNS.map((c) => {
        const v = table.getChild(c.name)!.get(i)
        return [c.name, v !== null && typeof v === 'object' ? [...(v as Iterable<unknown>)] : v]
      }),
    ),
  )
}

describe('Arrow export', () => {
  it('builds the schema from the columns, by name, every field nullable', async () => {
    const { schema } = tableFromIPC(await arrowOf())
    expect(schema.fields.map((f) => [f.name, Type[f.typeId], f.nullable])).toEqual([
      ['id', 'Utf8', true],
      ['name', 'Utf8', true],
      ['birthDate', 'Utf8', true],
      ['phones', 'List', true],
      ['floor', 'Int', true],
      ['confidence', 'Float', true],
      ['rented', 'Bool', true],
    ])
    const floor = schema.fields[4]!.type as { bitWidth: number; isSigned: boolean }
    expect([floor.bitWidth, floor.isSigned]).toEqual([64, true])
    expect(Type[(schema.fields[3]!.type.children[0]!.type as { typeId: Type }).typeId]).toBe('Utf8')
  })

  it('round-trips every edge case, nulls kept as nulls', async () => {
    const base = { name: null, birthDate: null, phones: null, floor: null, confidence: null, rented: null }
    expect(valuesOf(await arrowOf())).toEqual([
      {
        id: 'P1',
        name: '张三',
        birthDate: '1990-05-12',
        phones: ['138****5678', '025-8888****'],
        floor: 3n,
        confidence: 0.97,
        rented: true,
      },
      {
        id: 'P2',
        name: '欧阳𠀀',
        birthDate: '1990',
        phones: [],
        floor: -2n,
        confidence: -1.5,
        rented: false,
      },
      { ...base, id: 'P3' },
      { ...base, id: 'P4' },
      { ...base, id: 'P5', name: '他说"你好",然后走了', birthDate: '1990-05', phones: ['a,b', 'c"d'] },
      { ...base, id: 'P6', name: 'line one\nline two', phones: ['x\r\ny'] },
      // no formula guard: Arrow is read by programs, not spreadsheets
      { ...base, id: 'P7', name: '=1+2', phones: ["=cmd|' /C calc'!A0"] },
      { ...base, id: 'P8', name: '+86 25', birthDate: '-1', phones: ['-5', '@SUM(A1)'] },
      { ...base, id: 'P9', name: '@me', phones: ['\tx', '＝1'] },
      { ...base, id: 'P10', name: '-', floor: 9007199254740993n, confidence: 2.5 },
      { ...base, id: 'P11', name: '', phones: ['', null, 'z'], floor: 9007199254740993n },
      { ...base, id: 'P12', name: '  spaced  ' },
    ])
  })

  it('keeps each string its own where lone surrogates would pair up when joined', async () => {
    // a page's strings are encoded joined: a high half ending one and a low half starting the next
    // would become one emoji, and every offset after it would be off
    const rows = [{ id: 'a\uD83D' }, { id: '\uDE00b' }, { id: '张三𠀀' }, { id: null }, { id: 'z' }]
    const table = tableFromIPC(await collect(exportStream('arrow', [{ name: 'id', type: 'text' }], [rows])))
    expect([...table.getChild('id')!]).toEqual(['a\uFFFD', '\uFFFDb', '张三𠀀', null, 'z'])
  })

  it('writes one record batch per page', async () => {
    const batches: number[] = []
    for await (const batch of await RecordBatchReader.from(await arrowOf(EDGE_ROWS, 5)))
      batches.push(batch.numRows)
    expect(batches).toEqual([5, 5, 2])
  })

  it('writes the schema alone for an empty export', async () => {
    const bytes = await arrowOf([])
    const table = tableFromIPC(bytes)
    expect(table.numRows).toBe(0)
    expect(table.schema.fields.map((f) => f.name)).toEqual(COLUMNS.map((c) => c.name))
    // the stream ends with the end-of-stream marker: continuation token and a zero length
    expect([...bytes.subarray(-8)]).toEqual([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])
  })
})
