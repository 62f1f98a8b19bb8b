import { basename, resolve } from 'node:path'
import { type ReadLimits, type TableSource, withRows } from '../types.ts'
import { startWorkerReader } from '../worker-runner.ts'
import { workerModule } from '../worker-module.ts'

/** Opens an XLSX in a worker thread; resolves once the sheet is known, rows stream on demand. */
export async function openXlsx(
  path: string,
  limits: ReadLimits,
  sheet?: string | number,
): Promise<TableSource> {
  const reader = await startWorkerReader(workerModule('./xlsx-worker', import.meta.url), {
    path: resolve(path),
    file: basename(path),
    sheet,
    limits,
  })
  return withRows({ format: 'xlsx', sheet: reader.sheet, batches: () => reader.batches() })
}
