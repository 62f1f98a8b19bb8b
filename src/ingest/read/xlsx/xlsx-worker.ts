/**
 * Worker thread entry: reads one XLSX sheet and posts its rows in batches. Runs in its own isolate with
 * a heap limit, so a hostile workbook can at worst exhaust this thread, which the main thread then ends.
 */
import { runRowWorker } from '../worker-protocol.ts'
import { readSharedStrings } from './shared-strings.ts'
import { readSheetRows } from './sheet.ts'
import { readDateStyles } from './styles.ts'
import { chooseSheet, readWorkbook } from './workbook.ts'
import { ZipReader } from './zip.ts'

runRowWorker(async (sink) => {
  const { job } = sink
  const zip = await ZipReader.open(job.path, job.file, job.limits)
  try {
    const workbook = await readWorkbook(zip)
    const sheet = chooseSheet(workbook, job.sheet, job.file)
    const sheetEntry = zip.get(sheet.path)
    if (!sheetEntry) throw zip.refuse('the workbook lists a sheet that is not in the zip')
    sink.sendMeta(sheet.name)
    await sink.started()
    const sharedStrings = await readSharedStrings(zip, workbook.sharedStringsPath)
    const dateStyles = await readDateStyles(zip, workbook.stylesPath)
    await readSheetRows(
      zip,
      sheetEntry,
      { sharedStrings, dateStyles, date1904: workbook.date1904 },
      (row) => sink.push(row),
      () => sink.drain(),
    )
  } finally {
    await zip.close()
  }
}, 'the workbook cannot be read')
