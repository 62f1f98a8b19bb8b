import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
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
  const rows = await db.query<RefusedRecord>(
    'SELECT row_number, raw, problems FROM refused_rows WHERE batch_id = $1 ORDER BY row_number',
    [batchId],
  )
  // the file's own column order, kept with the batch (jsonb does not keep key order)
  const headers: string[] = [...(batch[0].options?.headers ?? [])]
  const known = new Set<string>(headers)
  for (const r of rows)
    for (const h of Object.keys(r.raw))
      if (!known.has(h)) {
        known.add(h)
        headers.push(h)
      }
  const l = LABELS[lang]
  const header = [...headers, l.row, l.reason]
  const lines = rows.map((r) => [
    ...headers.map((h) => r.raw[h] ?? ''),
    String(r.row_number),
    describeProblems(r.problems, lang),
  ])

  if (format === 'csv') {
    const file = createWriteStream(out)
    file.write('\ufeff') // Excel opens UTF-8 CSV right only with a BOM
    const csv = stringify()
    csv.pipe(file)
    csv.write(header)
    for (const line of lines) csv.write(line.map(csvCell))
    csv.end()
    await once(file, 'finish')
  } else {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: out,
      useSharedStrings: false,
      useStyles: false,
    })
    const ws = wb.addWorksheet(lang === 'zh' ? '拒收行' : 'refused rows')
    ws.addRow(header).commit()
    // strings stay strings: exceljs writes a string as a string cell, never as a formula
    for (const line of lines) ws.addRow(line).commit()
    ws.commit()
    await wb.commit()
  }
  return rows.length
}
