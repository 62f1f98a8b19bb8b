/**
 * npm run bench -- prepare [--persons 20000] [--seed 11] [--rounds 7] [--source police.hukou]
 *
 * The Node.js CPU an ingest spends per row, without a database or a second thread in the way: each
 * department file of a synthetic district is read once into memory, then every round maps, normalises
 * and COPY-encodes all its rows (RowPreparer.prepare, in chunks of 1,000 as the ingest does) and takes
 * the content hashes (RowMapper.rowHash). The fastest round is reported, in µs per row: on a shared
 * machine the minimum is the figure that moves with the code rather than with the neighbours. Reading
 * (CSV parsing, decoding) is timed once per file beside it.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { builtinMappings, findHeader, HEADER_SEARCH_ROWS } from '../connectors/index.ts'
import { generateFixtures } from '../fixtures/generator/index.ts'
import { openDatabase } from '../src/db/index.ts'
import { BatchWriter } from '../src/ingest/batch-writer.ts'
import { RowMapper } from '../src/ingest/map-row.ts'
import { type CopyKinds, jobRows, RowPreparer } from '../src/ingest/prepare.ts'
import { openTable, type RawRow } from '../src/ingest/read/index.ts'
import { arg } from './support.ts'

const OUT = join(import.meta.dirname, 'out')
const CHUNK = 1000

/** The column kinds the ingest would encode with, from an in-memory database's tables. */
const copyKinds = async (): Promise<CopyKinds> => {
  const db = await openDatabase('memory:')
  try {
    return await db.transaction(async (tx) => (await BatchWriter.open(db, tx, 'bench', 'bench')).kinds)
  } finally {
    await db.close()
  }
}

const readAll = async (path: string): Promise<{ rows: RawRow[]; seconds: number }> => {
  const started = performance.now()
  const table = await openTable(path)
  const rows: RawRow[] = []
  for await (const batch of table.batches()) for (const r of batch) rows.push(r)
  return { rows, seconds: (performance.now() - started) / 1000 }
}

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const persons = Number(arg(args, 'persons', '20000'))
  const seed = Number(arg(args, 'seed', '11'))
  const rounds = Number(arg(args, 'rounds', '7'))
  const only = arg(args, 'source', '')
  const dir = join(OUT, `district-${persons}-${seed}`)
  const manifest = await generateFixtures({ persons, seed, out: dir })
  const kinds = await copyKinds()
  const figures: Record<string, unknown> = {}
  let totalRows = 0
  let totalMicros = 0
  for (const file of manifest.files) {
    if (only && file.source !== only) continue
    const path = join(dir, file.file)
    if (!existsSync(path)) continue
    const { rows, seconds: readSeconds } = await readAll(path)
    const mapping = builtinMappings().find((m) => m.source === file.source)!
    const match = findHeader(
      rows.slice(0, HEADER_SEARCH_ROWS).map((r) => r.cells),
      mapping,
    )!
    const headerCells = rows[match.rowIndex]!.cells
    const data = rows.slice(match.rowIndex + 1)
    const ctx = { excelDates: file.format !== 'csv' }
    const mapper = new RowMapper(headerCells, match, ctx)
    const preparer = new RowPreparer({ headerCells, match, ctx, mapping, batchId: 'bench', kinds })
    let best = Infinity
    let bytes = 0
    for (let round = 0; round < rounds; round++) {
      const started = performance.now()
      bytes = 0
      for (let at = 0; at < data.length; at += CHUNK) {
        const chunk = data.slice(at, at + CHUNK)
        const hashes = chunk.map((r) => mapper.rowHash(r.cells))
        const prepared = preparer.prepare(jobRows({ rows: chunk, hashes }))
        bytes += prepared.records.bytes.byteLength + prepared.persons.bytes.byteLength
        bytes += prepared.houses.bytes.byteLength + prepared.units.bytes.byteLength
      }
      best = Math.min(best, performance.now() - started)
    }
    const micros = (best * 1000) / data.length
    totalRows += data.length
    totalMicros += micros * data.length
    figures[file.file] = {
      rows: data.length,
      prepareMicrosPerRow: Number(micros.toFixed(2)),
      readMicrosPerRow: Number(((readSeconds * 1e6) / data.length).toFixed(2)),
      copyBytesPerRow: Math.round(bytes / data.length),
    }
    console.error(`${file.file}: ${micros.toFixed(2)} µs/row prepare, ${data.length} rows`)
  }
  figures.all = { rows: totalRows, prepareMicrosPerRow: Number((totalMicros / totalRows).toFixed(2)) }
  return { persons, seed, rounds, figures }
}
