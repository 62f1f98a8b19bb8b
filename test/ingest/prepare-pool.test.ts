/**
 * Rows mapped in worker threads are stored byte for byte as rows mapped in the main thread: a generated
 * district's dirty files (refusals, repeats across chunks, warnings, several roles, a grid worker's
 * grids), then next month's export (unchanged, changed and repeated records), on both databases.
 */
import { readFile } from 'node:fs/promises'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allMappings } from '../../connectors/index.ts'
import { generateFixtures } from '../../fixtures/generator/index.ts'
import type { Database } from '../../src/db/index.ts'
import { type BatchSummary, type IngestOptions, ingestFile } from '../../src/ingest/index.ts'
import { AUTO_WORKER_BYTES, openPreparer, workersFor } from '../../src/ingest/prepare-pool.ts'
import type { PrepareSetup } from '../../src/ingest/prepare.ts'
import { DATABASE_KINDS, openTestDatabase, type TestDatabase, unavailable } from '../support/databases.ts'
import { makeTempDir, type TempDir, writeText } from './read/make-files.ts'

let dir: TempDir
let nextMonth: string
beforeAll(async () => {
  dir = await makeTempDir()
  await generateFixtures({ persons: 3000, seed: 11, out: dir.path })
  // next month: every fifth person renamed, a tenth of the rows sent twice more at the end (repeats of
  // unchanged, changed and refused records alike), the rest as they were
  const lines = iconv.decode(await readFile(dir.file('police.hukou.csv')), 'gbk').split(/\r?\n/)
  const [header, ...rows] = lines.filter((l) => l !== '')
  const changed = rows.map((l, i) => (i % 5 === 0 ? l.replace(/,([^,]*),/, ',$1改,') : l))
  const again = rows.filter((_, i) => i % 10 === 3)
  nextMonth = await writeText(
    dir.file('police.hukou-next.csv'),
    `${[header, ...changed, ...again].join('\n')}\n`,
    'gbk',
  )
}, 120_000)
afterAll(async () => {
  await dir.remove()
})

/** Everything the ingest stored, with batch ids (ulids, new each run) given as their files' names. */
const dump = async (db: Database): Promise<Record<string, string[]>> => {
  const text = async (sql: string) => (await db.query<{ t: string }>(sql)).map((r) => r.t)
  const file = (column: string) => `(SELECT file_name FROM batches b WHERE b.id = ${column})`
  return {
    batches: await text(
      `SELECT concat_ws('|', source, file_name, status, rows, accepted, rejected, warnings) AS t
       FROM batches ORDER BY file_name`,
    ),
    records: await text(
      `SELECT concat_ws('|', id, source, record_id, ${file('t.batch_id')}, row_number, raw::text, data::text,
         problems::text, row_hash, version) AS t FROM source_records t ORDER BY id`,
    ),
    history: await text(
      `SELECT concat_ws('|', source_record_id, version, ${file('t.batch_id')}, row_number, raw::text,
         data::text, problems::text, row_hash, ${file('t.replaced_by_batch')}) AS t
       FROM source_record_history t ORDER BY source_record_id, version`,
    ),
    refused: await text(
      `SELECT concat_ws('|', ${file('t.batch_id')}, row_number, record_id, raw::text, problems::text) AS t
       FROM refused_rows t ORDER BY 1`,
    ),
    persons: await text('SELECT t::text AS t FROM source_persons t ORDER BY 1'),
    houses: await text('SELECT t::text AS t FROM source_houses t ORDER BY 1'),
    units: await text('SELECT t::text AS t FROM source_units t ORDER BY 1'),
  }
}

/** The district's files in, then next month's export; the summaries without their batch ids and times. */
const ingestAll = async (db: Database, workers: number): Promise<unknown[]> => {
  const run = (file: string, opts: Partial<IngestOptions> = {}) =>
    ingestFile(db, file, {
      mappings: allMappings(),
      defaultDistrict: '320104',
      maxRefusedShare: 1,
      workers,
      ...opts,
    })
  const summaries: BatchSummary[] = [
    await run(dir.file('police.hukou.csv')),
    await run(dir.file('police.rental.xlsx')),
    // a grid worker's upload: rows naming grids outside the first few are refused
    await run(dir.file('grid.visit.csv'), {
      allowedGrids: ['320104001001-01', '320104001001-02', '320104002012-01'],
    }),
    await run(nextMonth, { source: 'police.hukou' }),
  ]
  return summaries.map(({ batchId: _, seconds: __, ...rest }) => rest)
}

for (const kind of DATABASE_KINDS) {
  const suite = unavailable(kind) ? describe.skip : describe
  suite(`ingest in worker threads [${kind}]`, () => {
    const opened: TestDatabase[] = []
    afterAll(async () => {
      for (const d of opened) await d.dispose()
    })

    it('stores exactly what the main thread alone stores', async () => {
      const inline = await openTestDatabase(kind)
      opened.push(inline)
      const pooled = await openTestDatabase(kind)
      opened.push(pooled)
      const inlineSummaries = await ingestAll(inline.database, 0)
      const pooledSummaries = await ingestAll(pooled.database, 2)
      expect(pooledSummaries).toEqual(inlineSummaries)
      // the files hold what this test is about: several chunks, repeats, refusals, changes, unchanged rows
      const [hukou, , visits, next] = inlineSummaries as BatchSummary[]
      expect(hukou!.rows).toBeGreaterThan(2000)
      expect(hukou!.rejected).toBeGreaterThan(0)
      expect(hukou!.warnings).toBeGreaterThan(0)
      expect(visits!.rejected).toBeGreaterThan(visits!.rows / 2)
      expect(next).toMatchObject({ status: 'committed' })
      expect(next!.updated).toBeGreaterThan(300)
      expect(next!.unchanged).toBeGreaterThan(1000)
      const [inlineDump, pooledDump] = [await dump(inline.database), await dump(pooled.database)]
      expect(inlineDump.records!.length).toBeGreaterThan(2000)
      expect(inlineDump.history!.length).toBeGreaterThan(300)
      for (const table of Object.keys(inlineDump)) expect(pooledDump[table], table).toEqual(inlineDump[table])
    }, 240_000)

    it("refuses a repeat with its own cells' problems, then the repeat, then its grid's, in either thread", async () => {
      const path = await writeText(
        dir.file('grid.visit-repeats.csv'),
        [
          '记录编号,网格编码,姓名,联系电话',
          'V-1,G-1,王伟,abc', // 2: taken, with a warning
          'V-1,G-1,王伟,abc', // 3: its repeat
          'V-2,G-9,李娜,', // 4: outside the grids
          'V-2,G-9,李娜,', // 5: its repeat, outside too
          'V-2,G-1,李娜,', // 6: a clash with row 4
        ].join('\n') + '\n',
      )
      for (const workers of [0, 1]) {
        const d = await openTestDatabase(kind)
        opened.push(d)
        const summary = await ingestFile(d.database, path, {
          mappings: allMappings(),
          maxRefusedShare: 1,
          allowedGrids: ['G-1'],
          workers,
        })
        expect(summary).toMatchObject({ rows: 5, accepted: 1, rejected: 4, warnings: 1 })
        const refused = await d.database.query<{ row_number: number; problems: Array<{ code: string }> }>(
          'SELECT row_number, problems FROM refused_rows ORDER BY row_number',
        )
        expect(
          refused.map((r) => [r.row_number, r.problems.map((p) => p.code)]),
          `workers ${workers}`,
        ).toEqual([
          [3, ['PHONE_FORMAT', 'DUPLICATE_ROW']],
          [4, ['GRID_OUTSIDE']],
          [5, ['DUPLICATE_ROW', 'GRID_OUTSIDE']],
          [6, ['DUPLICATE_RECORD_ID']],
        ])
      }
    }, 60_000)
  })
}

describe('the prepare pool', () => {
  it("turns a worker's failure into a rejection naming only the error's kind, then refuses more work", async () => {
    const hukou = allMappings().find((m) => m.source === 'police.hukou')!
    const setup: PrepareSetup = {
      headerCells: ['记录编号', '姓名'],
      match: {
        rowIndex: 0,
        bindings: hukou.columns
          .slice(0, 2)
          .map((column, index) => ({ index, header: column.header, column })),
        unknown: [],
        missingRequired: [],
      },
      ctx: {},
      mapping: hukou,
      batchId: 'B',
      // one column where a record row has ten: encoding the first accepted row throws
      kinds: { records: ['scalar'], persons: ['scalar'], houses: ['scalar'], units: ['scalar'] },
    }
    const pool = openPreparer(setup, 1)
    try {
      const job = { rows: [{ row: 2, cells: ['R-1', '王伟'] }], hashes: ['AAAAAAAAAAAAAAAAAAAAAA'] }
      await expect(pool.prepare(job)).rejects.toThrow('an ingest worker failed (RangeError)')
      await expect(pool.prepare(job)).rejects.toThrow('an ingest worker failed (RangeError)')
    } finally {
      await pool.close()
    }
    const inline = openPreparer(setup, 0)
    await expect(
      inline.prepare({ rows: [{ row: 2, cells: ['R-1', '王伟'] }], hashes: ['AAAAAAAAAAAAAAAAAAAAAA'] }),
    ).rejects.toThrow(RangeError)
  }, 60_000)

  it('gives auto one worker for a file of 8 MB or more on two cores or more, and a number as it is', () => {
    expect(workersFor('auto', AUTO_WORKER_BYTES, 2)).toBe(1)
    expect(workersFor('auto', AUTO_WORKER_BYTES - 1, 2)).toBe(0)
    expect(workersFor('auto', 200 * 2 ** 20, 1)).toBe(0)
    expect(workersFor('auto', 200 * 2 ** 20, 16)).toBe(1)
    expect(workersFor(0, 200 * 2 ** 20, 16)).toBe(0)
    expect(workersFor(3, 1, 1)).toBe(3)
  })
})
