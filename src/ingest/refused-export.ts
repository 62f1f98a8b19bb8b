import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { pipeline } from 'node:stream/promises'
import { stringify } from 'csv-stringify'
import ExcelJS from 'exceljs'
import { type Lang, type Problem, problemMessage } from '../../schemas/problem.ts'
import type { Database } from '../db/index.ts'
import { SanshiError } from '../errors.ts'

type StoredProblem = Omit<Problem, 'row'>

interface RefusedRecord {
  row_number: number
  raw: Record<string, string>
  problems: StoredProblem[]
}

const LABELS = {
  zh: { row: '原行号', reason: '拒收原因', column: '列' },
  en: { row: 'source row', reason: 'why refused', column: 'column' },
} as const

/** "出生日期：日期无法识别；记录编号：必填项为空" — one cell the clerk reads beside the row. */
export const describeProblems = (problems: readonly StoredProblem[], lang: Lang): string =>
  problems
    .filter((p) => p.severity === 'error')
    .map((p) =>
      p.column
        ? `${p.column}${lang === 'zh' ? '：' : ': '}${problemMessage(p, lang)}`
        : problemMessage(p, lang),
    )
    .join(lang === 'zh' ? '；' : '; ')

const csvCell = (v: string): string =>
  // a cell starting with = + - @ would run as a formula when the clerk opens the CSV in Excel
  /^[=+\-@\t\r]/.test(v) ? `'${v}` : v

const PAGE = 5000

/** The batch's refused rows, a page at a time (a batch refused whole may hold a million). */
async function* refusedPages(db: Database, batchId: string): AsyncGenerator<RefusedRecord[]> {
  let after = 0
  for (;;) {
    const page = await db.query<RefusedRecord & { id: number }>(
      `SELECT id, row_number, raw, problems FROM refused_rows WHERE batch_id = $1 AND id > $2
       ORDER BY id LIMIT ${PAGE}`,
      [batchId, after],
    )
    if (page.length === 0) return
    yield page
    after = page[page.length - 1]!.id
  }
}

/**
 * Writes a batch's refused rows as the clerk sent them, in the file's own columns, with the reasons
 * beside each row, so the file can be fixed and uploaded again (the extra columns are kept as unknown).
 */
export const exportRefused = async (
  db: Database,
  batchId: string,
  out: string,
  format: 'csv' | 'xlsx',
  lang: Lang = 'zh',
): Promise<number> => {
  const batch = await db.query<{ options: { headers?: string[] } | null }>(
    'SELECT options FROM batches WHERE id = $1',
    [batchId],
  )
  if (!batch[0]) throw new SanshiError('SANSHI404', `no batch ${batchId}`)
  // the file's own column order, kept with the batch, then any key only some rows carry
  const headers: string[] = [...(batch[0].options?.headers ?? [])]
  const extra = await db.query<{ key: string }>(
    'SELECT DISTINCT json_object_keys(raw) AS key FROM refused_rows WHERE batch_id = $1 ORDER BY 1',
    [batchId],
  )
  for (const { key } of extra) if (!headers.includes(key)) headers.push(key)
  const l = LABELS[lang]
  const header = [...headers, l.row, l.reason]
  // own keys only: a column headed constructor or toString must not read an inherited function
  const line = (r: RefusedRecord): string[] => [
    ...headers.map((h) => (Object.hasOwn(r.raw, h) ? String(r.raw[h]) : '')),
    String(r.row_number),
    describeProblems(r.problems, lang),
  ]
  let count = 0

  if (format === 'csv') {
    const file = createWriteStream(out)
    file.write('\ufeff') // Excel opens UTF-8 CSV right only with a BOM
    const csv = stringify()
    const done = pipeline(csv, file)
    const write = async (cells: string[]) => {
      // headers come from the uploaded file too: they are guarded like cells
      if (!csv.write(cells.map(csvCell))) await once(csv, 'drain')
    }
    try {
      await write(header)
      for await (const page of refusedPages(db, batchId))
        for (const r of page) {
          await write(line(r))
          count++
        }
    } finally {
      csv.end()
      await done
    }
  } else {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: out,
      useSharedStrings: false,
      useStyles: false,
    })
    const ws = wb.addWorksheet(lang === 'zh' ? '拒收行' : 'refused rows')
    ws.addRow(header).commit()
    // strings stay strings: exceljs writes a string as a string cell, never as a formula
    for await (const page of refusedPages(db, batchId))
      for (const r of page) {
        ws.addRow(line(r)).commit()
        count++
      }
    ws.commit()
    await wb.commit()
  }
  return count
}
