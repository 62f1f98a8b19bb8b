/**
 * Worker thread entry for legacy .xls. SheetJS parses the whole file at once (there is no streaming BIFF
 * reader), hence the size cap applied before this worker starts.
 */
import { readFile } from 'node:fs/promises'
import * as XLSX from 'xlsx'
import { SanshiError } from '../../errors.ts'
import type { RawRow } from './types.ts'
import { trimTrailingEmpty } from './types.ts'
import { BATCH_ROWS, runRowWorker } from './worker-protocol.ts'
import { formatNumber, isDateFormat, serialToIsoDate } from './xlsx/cell-value.ts'

type DenseSheet = Array<Array<XLSX.CellObject | undefined> | undefined>

const BIFF_ERRORS = new Map<number, string>([
  [0x00, '#NULL!'],
  [0x07, '#DIV/0!'],
  [0x0f, '#VALUE!'],
  [0x17, '#REF!'],
  [0x1d, '#NAME?'],
  [0x24, '#NUM!'],
  [0x2a, '#N/A'],
])

runRowWorker(async (sink) => {
  const { job } = sink
  const data = await readFile(job.path)
  let workbook: XLSX.WorkBook
  try {
    workbook = XLSX.read(data, {
      type: 'buffer',
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      // Not cellDates: SheetJS builds Date objects through the local time zone and shifts them by the
      // zone's DST and historical offsets, which moves dates by a day in some zones. The serial number
      // and the format string (cellNF) give the date exactly, with the same rules as the XLSX reader.
      cellDates: false,
      cellNF: true,
    })
  } catch (error) {
    const encrypted = /password|encrypt/i.test(String((error as Error | undefined)?.message))
    throw new SanshiError(
      'SANSHI207',
      encrypted ? 'the workbook is password-protected' : 'the .xls file cannot be read',
      { file: job.file },
      encrypted ? 'remove the password and save it again' : 'open it in Excel and save it as .xlsx',
    )
  }
  const names = workbook.SheetNames
  const name =
    job.sheet === undefined ? names[0] : typeof job.sheet === 'number' ? names[job.sheet] : job.sheet
  const sheet = name === undefined || !names.includes(name) ? undefined : workbook.Sheets[name]
  if (name === undefined || sheet === undefined) {
    throw new SanshiError('SANSHI207', 'the requested sheet is not in the workbook', { file: job.file })
  }
  sink.sendMeta(name)
  await sink.started()
  const date1904 = Boolean(workbook.Workbook?.WBProps?.date1904)
  const dense = sheet as unknown as DenseSheet
  let sent = 0
  for (let r = 0; r < dense.length; r++) {
    const source = dense[r]
    if (!source) continue
    const cells: string[] = []
    for (let c = 0; c < source.length; c++) cells.push(cellText(source[c], date1904))
    trimTrailingEmpty(cells)
    if (cells.length === 0) continue
    sink.push({ row: r + 1, cells } satisfies RawRow)
    if (++sent % BATCH_ROWS === 0) await sink.drain()
  }
}, 'the .xls file cannot be read')

function cellText(cell: XLSX.CellObject | undefined, date1904: boolean): string {
  if (!cell || cell.v === undefined || cell.v === null) return ''
  switch (cell.t) {
    case 's':
      return String(cell.v)
    case 'b':
      return cell.v ? 'TRUE' : 'FALSE'
    case 'n': {
      const format = typeof cell.z === 'string' ? cell.z : undefined
      if (format !== undefined && isDateFormat(-1, format)) {
        const date = serialToIsoDate(Number(cell.v), date1904)
        if (date !== undefined) return date
      }
      return formatNumber(String(cell.v))
    }
    case 'd': // only from a file that stores ISO dates; kept to the day
      return cell.v instanceof Date ? cell.v.toISOString().slice(0, 10) : String(cell.v).slice(0, 10)
    case 'e':
      return BIFF_ERRORS.get(Number(cell.v)) ?? '#ERROR'
    default:
      return ''
  }
}
