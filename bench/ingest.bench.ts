/**
 * npm run bench -- ingest [--rows 1000000] [--xlsx-rows 200000] [--embedded-rows 100000] [--seed 7]
 *
 * The figures of the ingest issue, measured the way an operator meets them (the real CLI as a child):
 * - a police.hukou CSV in GBK into PostgreSQL: rows/s end to end and peak RSS, against the time
 *   PostgreSQL itself takes to COPY the same rows, already normalised, into the same tables;
 * - the same file again less its last row, as next month's export: every record unchanged;
 * - an XLSX of the same rows: peak RSS;
 * - the embedded database: time for a smaller file.
 */
import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import ExcelJS from 'exceljs'
import pg from 'pg'
import { from as copyFrom, to as copyTo } from 'pg-copy-streams'
import { generateFixtures } from '../fixtures/generator/index.ts'
import { openDatabase } from '../src/db/index.ts'
import { openTable } from '../src/ingest/read/index.ts'
import { arg, benchServer, freshDatabase, runCli } from './support.ts'

interface Summary {
  rows: number
  accepted: number
  rejected: number
  seconds: number
  status: string
}

const OUT = join(import.meta.dirname, 'out')
/** Share of a district's persons on the household register, from the generator (about 0.73). */
const HUKOU_SHARE = 0.72

/** The first `rows` data rows of a CSV (lines end in LF; the generator writes no line breaks in cells). */
const headCsv = async (from: string, to: string, rows: number): Promise<void> => {
  const out = createWriteStream(to)
  let lines = 0
  for await (const chunk of createReadStream(from, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let cut = -1
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      if (++lines === rows + 1) {
        cut = i + 1
        break
      }
    }
    if (!out.write(cut === -1 ? chunk : chunk.subarray(0, cut))) await once(out, 'drain')
    if (cut !== -1) break
  }
  out.end()
  await once(out, 'finish')
}

const csvToXlsx = async (csv: string, xlsx: string): Promise<void> => {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: true })
  const ws = wb.addWorksheet('户籍人口')
  ws.addRow(['秦淮区户籍人口登记表']).commit()
  for await (const batch of (await openTable(csv)).batches())
    for (const r of batch) ws.addRow(r.cells).commit()
  ws.commit()
  await wb.commit()
}

const TABLES = ['source_records', 'source_persons', 'source_houses', 'source_units', 'refused_rows']

/** PostgreSQL's own time to COPY what the ingest wrote, from files of its own COPY text, into the same tables. */
const copyBaseline = async (url: string): Promise<{ seconds: number; perTable: Record<string, number> }> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const t of TABLES)
      await pipeline(client.query(copyTo(`COPY ${t} TO STDOUT`)), createWriteStream(join(OUT, `${t}.copy`)))
    await client.query('BEGIN')
    await client.query(`TRUNCATE ${TABLES.join(', ')} CASCADE`)
    const perTable: Record<string, number> = {}
    const started = performance.now()
    for (const t of TABLES) {
      const t0 = performance.now()
      await pipeline(
        createReadStream(join(OUT, `${t}.copy`), { highWaterMark: 1 << 20 }),
        client.query(copyFrom(`COPY ${t} FROM STDIN`)),
      )
      perTable[t] = (performance.now() - t0) / 1000
    }
    await client.query('COMMIT')
    return { seconds: (performance.now() - started) / 1000, perTable }
  } finally {
    for (const t of TABLES) await rm(join(OUT, `${t}.copy`), { force: true })
    await client.end()
  }
}

const migrated = async (url: string): Promise<void> => (await openDatabase(url)).close()

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const rows = Number(arg(args, 'rows', '1000000'))
  const xlsxRows = Number(arg(args, 'xlsx-rows', '200000'))
  const embeddedRows = Number(arg(args, 'embedded-rows', '100000'))
  const seed = Number(arg(args, 'seed', '7'))
  const persons = Math.ceil(rows / HUKOU_SHARE)
  const dataDir = join(OUT, `district-${persons}-${seed}`)
  await mkdir(OUT, { recursive: true })
  if (!existsSync(join(dataDir, 'manifest.json'))) {
    console.error(`generating a district of ${persons} persons…`)
    await generateFixtures({ persons, seed, out: dataDir })
  }
  const hukou = join(OUT, `police.hukou-${rows}.csv`)
  const hukouXlsxCsv = join(OUT, `police.hukou-${xlsxRows}.csv`)
  const hukouXlsx = join(OUT, `police.hukou-${xlsxRows}.xlsx`)
  const hukouEmbedded = join(OUT, `police.hukou-${embeddedRows}.csv`)
  await headCsv(join(dataDir, 'police.hukou.csv'), hukou, rows)
  await headCsv(join(dataDir, 'police.hukou.csv'), hukouXlsxCsv, xlsxRows)
  await headCsv(join(dataDir, 'police.hukou.csv'), hukouEmbedded, embeddedRows)
  if (!existsSync(hukouXlsx)) await csvToXlsx(hukouXlsxCsv, hukouXlsx)

  const server = await benchServer()
  try {
    console.error('PostgreSQL: CSV in GBK…')
    const csvUrl = await freshDatabase(server.adminUrl, 'sanshi_bench_csv')
    await migrated(csvUrl)
    const csvRun = await runCli<Summary>(['ingest', hukou, '--db', csvUrl, '--json'])
    const summary = csvRun.output[0]!
    console.error("PostgreSQL: the next month's export, the same rows but the last…")
    const nextMonth = join(OUT, `police.hukou-${rows - 1}.csv`)
    await headCsv(hukou, nextMonth, rows - 1)
    const reRun = await runCli<Summary & { unchanged: number }>([
      'ingest',
      nextMonth,
      '--source',
      'police.hukou',
      '--db',
      csvUrl,
      '--json',
    ])
    await rm(nextMonth, { force: true })
    const baseline = await copyBaseline(csvUrl)

    console.error('PostgreSQL: XLSX…')
    const xlsxUrl = await freshDatabase(server.adminUrl, 'sanshi_bench_xlsx')
    await migrated(xlsxUrl)
    const xlsxRun = await runCli<Summary>([
      'ingest',
      hukouXlsx,
      '--source',
      'police.hukou',
      '--db',
      xlsxUrl,
      '--json',
    ])

    console.error('embedded database…')
    const folder = join(OUT, 'embedded-db')
    await rm(folder, { recursive: true, force: true })
    await migrated(`file:${folder}`)
    const embeddedRun = await runCli<Summary>(['ingest', hukouEmbedded, '--db', `file:${folder}`, '--json'])
    await rm(folder, { recursive: true, force: true })

    return {
      csvPostgres: {
        rows: summary.rows,
        accepted: summary.accepted,
        rejected: summary.rejected,
        batchSeconds: summary.seconds,
        endToEndSeconds: round(csvRun.seconds),
        rowsPerSecond: Math.round(summary.rows / csvRun.seconds),
        peakRssMb: csvRun.maxRssMb,
        nodeCpuSeconds: round(csvRun.cpuSeconds),
        postgresCopySeconds: round(baseline.seconds),
        postgresCopyPerTable: Object.fromEntries(
          Object.entries(baseline.perTable).map(([k, v]) => [k, round(v)]),
        ),
        ratioToCopy: round(csvRun.seconds / baseline.seconds),
      },
      reuploadPostgres: {
        rows: reRun.output[0]?.rows,
        unchanged: reRun.output[0]?.unchanged,
        endToEndSeconds: round(reRun.seconds),
        rowsPerSecond: Math.round((reRun.output[0]?.rows ?? 0) / reRun.seconds),
        peakRssMb: reRun.maxRssMb,
        nodeCpuSeconds: round(reRun.cpuSeconds),
      },
      xlsxPostgres: {
        rows: xlsxRun.output[0]?.rows,
        endToEndSeconds: round(xlsxRun.seconds),
        peakRssMb: xlsxRun.maxRssMb,
      },
      embedded: {
        rows: embeddedRun.output[0]?.rows,
        endToEndSeconds: round(embeddedRun.seconds),
        peakRssMb: embeddedRun.maxRssMb,
        nodeCpuSeconds: round(embeddedRun.cpuSeconds),
      },
    }
  } finally {
    await server.stop()
  }
}

const round = (n: number): number => Math.round(n * 100) / 100
