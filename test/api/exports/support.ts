import type { Readable } from 'node:stream'
import type { ExportColumn, ExportRow } from '../../../src/api/exports/index.ts'

/** One column of every type, labelled where the CSV and XLSX headers should differ from the name. */
export const COLUMNS: ExportColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'name', type: 'text', label: '姓名' },
  { name: 'birthDate', type: 'date', label: '出生日期' },
  { name: 'phones', type: 'text[]' },
  { name: 'floor', type: 'integer' },
  { name: 'confidence', type: 'float' },
  { name: 'rented', type: 'boolean' },
]

/**
 * Rows a format gets wrong first: Chinese (a character outside the BMP too), CSV's delimiters, quotes and
 * line ends, formula-looking text, nulls, missing keys, empty strings and arrays, big integers.
 */
export const EDGE_ROWS: ExportRow[] = [
  {
    id: 'P1',
    name: '张三',
    birthDate: '1990-05-12',
    phones: ['138****5678', '025-8888****'],
    floor: 3,
    confidence: 0.97,
    rented: true,
  },
  { id: 'P2', name: '欧阳𠀀', birthDate: '1990', phones: [], floor: -2, confidence: -1.5, rented: false },
  { id: 'P3', name: null, birthDate: null, phones: null, floor: null, confidence: null, rented: null },
  { id: 'P4' }, // every other key missing: nulls
  { id: 'P5', name: '他说"你好",然后走了', birthDate: '1990-05', phones: ['a,b', 'c"d'] },
  { id: 'P6', name: 'line one\nline two', phones: ['x\r\ny'] },
  { id: 'P7', name: '=1+2', phones: ["=cmd|' /C calc'!A0"] },
  { id: 'P8', name: '+86 25', birthDate: '-1', phones: ['-5', '@SUM(A1)'] },
  { id: 'P9', name: '@me', phones: ['\tx', '＝1'] },
  { id: 'P10', name: '-', floor: '9007199254740993', confidence: '2.5' }, // text from pg: bigint, numeric
  { id: 'P11', name: '', phones: ['', null, 'z'], floor: 9007199254740993n },
  { id: 'P12', name: '  spaced  ', extra: 'not a column: never written' },
]

/** Pages of `size` rows, counting how many the writer has pulled and whether it closed the iterator. */
export function trackedPages(rows: readonly ExportRow[], size: number) {
  const state = { pulled: 0, closed: false }
  async function* pages() {
    try {
      for (let i = 0; i < rows.length; i += size) {
        state.pulled++
        yield rows.slice(i, i + size)
      }
    } finally {
      state.closed = true
    }
  }
  return { state, pages: pages() }
}

export const pagesOf = (rows: readonly ExportRow[], size = 5): ExportRow[][] => {
  const pages: ExportRow[][] = []
  for (let i = 0; i < rows.length; i += size) pages.push(rows.slice(i, i + size))
  return pages
}

export const collect = async (stream: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** n rows of the edge cases, numbered so each is distinct. */
export const manyRows = (n: number): ExportRow[] =>
  Array.from({ length: n }, (_, i) => ({ ...EDGE_ROWS[i % EDGE_ROWS.length], id: `R${i}` }))
