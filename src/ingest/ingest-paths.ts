import { readdir, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { sourceFromFileName } from '../../connectors/index.ts'
import type { Database } from '../db/index.ts'
import { isSanshiError, SanshiError } from '../errors.ts'
import { isGridTable } from './grids/index.ts'
import { type BatchSummary, type IngestOptions, ingestFile } from './ingest-file.ts'

const TABLE_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.xlsx', '.xls'])

export interface PathOutcome {
  file: string
  summary?: BatchSummary
  error?: SanshiError
  skipped?: string
}

/**
 * Expands files and folders into the files to ingest. In a folder, a file that names no source and
 * whose headers match none (a truth.csv, a README) is skipped with a note rather than failing the run.
 */
const expand = async (paths: readonly string[]): Promise<Array<{ path: string; fromFolder: boolean }>> => {
  const out: Array<{ path: string; fromFolder: boolean }> = []
  for (const p of paths) {
    const s = await stat(p).catch(() => null)
    if (!s) throw new SanshiError('SANSHI101', 'no such file or folder', { file: p })
    if (s.isDirectory()) {
      const names = (await readdir(p)).filter((n) => TABLE_EXTENSIONS.has(extname(n).toLowerCase())).sort()
      for (const n of names) out.push({ path: join(p, n), fromFolder: true })
    } else out.push({ path: p, fromFolder: false })
  }
  return out
}

export const ingestPaths = async (
  db: Database,
  paths: readonly string[],
  opts: IngestOptions,
  onOutcome?: (o: PathOutcome) => void,
): Promise<PathOutcome[]> => {
  const outcomes: PathOutcome[] = []
  for (const { path, fromFolder } of await expand(paths)) {
    let outcome: PathOutcome
    const unnamedInFolder = fromFolder && !opts.source && !sourceFromFileName(basename(path), opts.mappings)
    try {
      // grid files (grids.csv, a standard-address list) go in with `sanshi grids import`, not as a batch
      if (unnamedInFolder && (await isGridTable(path)))
        outcome = { file: path, skipped: 'a grid file: import it with sanshi grids import' }
      else outcome = { file: path, summary: await ingestFile(db, path, opts) }
    } catch (e) {
      if (!isSanshiError(e)) throw e
      const unnamed = !opts.source && !sourceFromFileName(basename(path), opts.mappings)
      outcome =
        fromFolder && unnamed && e.code === 'SANSHI204'
          ? { file: path, skipped: 'not a department format' }
          : { file: path, error: e }
    }
    outcomes.push(outcome)
    onOutcome?.(outcome)
  }
  return outcomes
}
