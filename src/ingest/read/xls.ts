import { basename, resolve } from 'node:path'
import { SanshiError } from '../../errors.ts'
import { type ReadLimits, type TableSource, withRows } from './types.ts'
import { startWorkerReader } from './worker-runner.ts'
import { workerModule } from './worker-module.ts'

/**
 * Legacy BIFF .xls: only SheetJS reads it, and the registry's SheetJS has known prototype-pollution and
 * ReDoS flaws, so it runs only inside a worker isolate with a heap limit, a timeout and a size cap; a
 * prototype it pollutes dies with the worker.
 */
export async function openXls(
  path: string,
  size: number,
  limits: ReadLimits,
  sheet?: string | number,
): Promise<TableSource> {
  const file = basename(path)
  if (size > limits.maxXlsBytes) {
    throw new SanshiError(
      'SANSHI206',
      `legacy .xls files are limited to ${limits.maxXlsBytes} bytes`,
      { file },
      'save the file as .xlsx or .csv',
    )
  }
  const reader = await startWorkerReader(workerModule('./xls-worker', import.meta.url), {
    path: resolve(path),
    file,
    sheet,
    limits,
  })
  return withRows({ format: 'xls', sheet: reader.sheet, batches: () => reader.batches() })
}
