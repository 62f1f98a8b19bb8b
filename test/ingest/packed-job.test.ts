import { describe, expect, it } from 'vitest'
import { packedRows, packedTransferables, packJob } from '../../src/ingest/packed-job.ts'
import type { PrepareJob } from '../../src/ingest/prepare.ts'

const roundTrip = (job: PrepareJob): PrepareJob => {
  const packed = packJob(job)
  // what the worker receives: a structured clone with the arrays moved
  const rows = packedRows(structuredClone(packed, { transfer: packedTransferables(packed) }))
  return {
    rows: Array.from({ length: rows.length }, (_, i) => rows.row(i)),
    hashes: Array.from({ length: rows.length }, (_, i) => rows.hash(i)),
  }
}

describe('packed jobs for the prepare workers', () => {
  it('give back the rows, cells, row numbers and hashes as they went in', () => {
    const job: PrepareJob = {
      rows: [
        { row: 2, cells: ['王伟', '', '秦淮区贡院街12号', 'a"b\\c\n😀'] },
        { row: 5, cells: [] },
        { row: 7, cells: ['', ''] },
        { row: 9, cells: ['X'] },
      ],
      hashes: ['h'.repeat(22), 'i'.repeat(22), 'j'.repeat(22), 'k'.repeat(22)],
    }
    expect(roundTrip(job)).toEqual(job)
  })

  it('keep bad and formula columns on the rows that have them, and only there', () => {
    const job: PrepareJob = {
      rows: [
        { row: 2, cells: ['a', '\uFFFD'], badColumns: [1] },
        { row: 3, cells: ['=1+1'], formulaColumns: [0] },
        { row: 4, cells: ['b'] },
      ],
      hashes: ['abc', 'def', 'ghi'],
    }
    const back = roundTrip(job)
    expect(back).toEqual(job)
    expect('badColumns' in back.rows[2]!).toBe(false)
  })

  it('carry an empty chunk, and refuse hashes of unequal length', () => {
    expect(roundTrip({ rows: [], hashes: [] })).toEqual({ rows: [], hashes: [] })
    expect(() =>
      packJob({
        rows: [
          { row: 1, cells: [] },
          { row: 2, cells: [] },
        ],
        hashes: ['ab', 'abc'],
      }),
    ).toThrow(RangeError)
  })

  it('cut rows on demand, in order or out of it, the same as unpacked', () => {
    const job: PrepareJob = {
      rows: [
        { row: 2, cells: ['王伟', '', '秦淮区贡院街12号'] },
        { row: 3, cells: [] },
        { row: 4, cells: ['=1', 'x'], formulaColumns: [0] },
        { row: 8, cells: ['', '😀'] },
      ],
      hashes: ['a'.repeat(22), 'b'.repeat(22), 'c'.repeat(22), 'd'.repeat(22)],
    }
    const packed = packJob(job)
    const inOrder = packedRows(packed)
    expect(inOrder.length).toBe(4)
    expect([0, 1, 2, 3].map((i) => inOrder.row(i))).toEqual(job.rows)
    expect([3, 0, 2, 2, 1].map((i) => [packedRows(packed).row(i), inOrder.hash(i)])).toEqual(
      [3, 0, 2, 2, 1].map((i) => [job.rows[i], job.hashes[i]]),
    )
    const skipping = packedRows(packed)
    expect([2, 0, 1, 3].map((i) => skipping.row(i))).toEqual([2, 0, 1, 3].map((i) => job.rows[i]))
  })
})
