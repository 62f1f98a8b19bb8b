import type { JobRows, PrepareJob } from './prepare.ts'
import type { RawRow } from './read/index.ts'

/*
 * A chunk of rows as it crosses to a worker thread: every cell in one string, with where each ends. The
 * structured clone then copies one string and moves three arrays, where an array of rows cost it an
 * object, an array and a string per cell on both sides (postMessage alone was 6 % of the main thread's
 * time in a profile of 200,000 rows). The worker's cells are slices of that string, so whatever keeps a
 * cell keeps its chunk's string: nothing may hold one past its chunk, and a memo must key on a string
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

/**
 * A packed job's rows, each cut from the text only when asked for: a worker takes them in order, and a
 * row's cells then die with the row, where a chunk's worth made at once lived through the young
 * collections that came while the chunk was worked on, and were copied by each.
 */
export const packedRows = (p: PackedJob): JobRows => {
  const n = p.rowNumbers.length
  // the hashes follow the last cell
  const hashesAt = p.cellEnds.length === 0 ? 0 : p.cellEnds[p.cellEnds.length - 1]!
  // where the next row in order starts: its first cell, and that cell's first character
  let next = 0
  let cell = 0
  let at = 0
  return {
    length: n,
    row(i: number): RawRow {
      if (i !== next) {
        cell = 0
        for (let r = 0; r < i; r++) cell += p.cellCounts[r]!
        at = cell === 0 ? 0 : p.cellEnds[cell - 1]!
      }
      const cells: string[] = new Array(p.cellCounts[i]!)
      for (let k = 0; k < cells.length; k++) {
        const end = p.cellEnds[cell++]!
        cells[k] = p.text.slice(at, end)
        at = end
      }
      next = i + 1
      const mark = p.marks?.[i]
      return mark ? { row: p.rowNumbers[i]!, cells, ...mark } : { row: p.rowNumbers[i]!, cells }
    },
    hash: (i: number): string => p.text.slice(hashesAt + i * p.hashLength, hashesAt + (i + 1) * p.hashLength),
  }
}

/** The arrays a packed job hands over without copying. */
export const packedTransferables = (p: PackedJob): ArrayBuffer[] =>
  [p.cellEnds, p.cellCounts, p.rowNumbers].map((a) => a.buffer as ArrayBuffer)
