import type { PrepareJob } from './prepare.ts'
import type { RawRow } from './read/index.ts'

/*
 * A chunk of rows as it crosses to a worker thread: every cell in one string, with where each ends. The
 * structured clone then copies one string and moves three arrays, where an array of rows cost it an
 * object, an array and a string per cell on both sides (postMessage alone was 6 % of the main thread's
 * time in a profile of 200,000 rows). The worker's cells are slices of that string, so whatever keeps a
 * cell keeps its chunk's string: only the bounded address cache does, and a memo must key on a string
 * built from pieces, not on a cell (address/index.ts).
 */

type RowMarks = Pick<RawRow, 'badColumns' | 'formulaColumns'>

export interface PackedJob {
  /** the cells, then the hashes, end to end */
  text: string
  /** end offset in `text` of each cell, row after row */
  cellEnds: Int32Array
  /** the number of cells of each row */
  cellCounts: Int32Array
  rowNumbers: Int32Array
  /** each row's bad and formula columns, where any row has some; null for a plain chunk */
  marks: (RowMarks | null)[] | null
  /** the hashes' length: all are cut to the same one (map-row.ts) */
  hashLength: number
}

export const packJob = (job: PrepareJob): PackedJob => {
  const { rows, hashes } = job
  let cells = 0
  for (const r of rows) cells += r.cells.length
  const cellEnds = new Int32Array(cells)
  const cellCounts = new Int32Array(rows.length)
  const rowNumbers = new Int32Array(rows.length)
  let marks: PackedJob['marks'] = null
  let text = ''
  let c = 0
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    for (const cell of r.cells) {
      text += cell
      cellEnds[c++] = text.length
    }
    cellCounts[i] = r.cells.length
    rowNumbers[i] = r.row
    if (r.badColumns || r.formulaColumns) {
      marks ??= new Array<RowMarks | null>(rows.length).fill(null)
      marks[i] = {
        ...(r.badColumns ? { badColumns: r.badColumns } : {}),
        ...(r.formulaColumns ? { formulaColumns: r.formulaColumns } : {}),
      }
    }
  }
  const hashLength = hashes[0]?.length ?? 0
  for (const h of hashes) {
    if (h.length !== hashLength) throw new RangeError('packJob: hashes of unequal length')
    text += h
  }
  return { text, cellEnds, cellCounts, rowNumbers, marks, hashLength }
}

export const unpackJob = (p: PackedJob): PrepareJob => {
  const n = p.rowNumbers.length
  const rows: RawRow[] = new Array(n)
  let c = 0
  let at = 0
  for (let i = 0; i < n; i++) {
    const cells: string[] = new Array(p.cellCounts[i]!)
    for (let k = 0; k < cells.length; k++) {
      const end = p.cellEnds[c++]!
      cells[k] = p.text.slice(at, end)
      at = end
    }
    const mark = p.marks?.[i]
    rows[i] = mark ? { row: p.rowNumbers[i]!, cells, ...mark } : { row: p.rowNumbers[i]!, cells }
  }
  const hashes: string[] = new Array(n)
  for (let i = 0; i < n; i++, at += p.hashLength) hashes[i] = p.text.slice(at, at + p.hashLength)
  return { rows, hashes }
}

/** The arrays a packed job hands over without copying. */
export const packedTransferables = (p: PackedJob): ArrayBuffer[] =>
  [p.cellEnds, p.cellCounts, p.rowNumbers].map((a) => a.buffer as ArrayBuffer)
