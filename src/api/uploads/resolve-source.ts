import {
  detectSource,
  HEADER_SEARCH_ROWS,
  type Mapping,
  sourceFromFileName,
} from '../../../connectors/index.ts'
import { SanshiError } from '../../errors.ts'
import { openTable } from '../../ingest/read/index.ts'

/**
 * Which department format an upload is, decided before anything is written, as the ingest would:
 * the `source` field, else the file name, else the headers. The answer is then passed to the
 * ingest, so the rights checked are the rights of the batch that is written.
 */
export const resolveSource = async (
  path: string,
  fileName: string,
  requested: string | undefined,
  mappings: readonly Mapping[],
): Promise<string> => {
  if (requested) {
    if (!mappings.some((m) => m.source === requested))
      throw new SanshiError(
        'SANSHI204',
        `unknown source ${requested}; known: ${mappings.map((m) => m.source).join(', ')}`,
        { file: fileName },
      )
    return requested
  }
  const byName = sourceFromFileName(fileName, mappings)
  if (byName) return byName.source
  const table = await openTable(path)
  const head: string[][] = []
  for await (const row of table.rows()) {
    head.push(row.cells)
    if (head.length >= HEADER_SEARCH_ROWS) break
  }
  const detected = detectSource(head, mappings)
  if (!detected)
    throw new SanshiError(
      'SANSHI204',
      'neither the file name nor the headers say which department format this is',
      { file: fileName },
      'send a source field, e.g. police.hukou',
    )
  return detected.mapping.source
}
