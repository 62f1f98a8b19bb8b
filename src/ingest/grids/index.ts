/**
 * Grid files for `sanshi grids import` (docs/grids.md): GeoJSON polygons of the grids, a coverage list
 * of the compounds and buildings each grid holds, and a standard-address list with coordinates. They
 * are read and checked whole before anything is written (storeGridFiles), then the houses' grids are
 * assigned again by src/match/grid-assignment/.
 */
import { open } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { SanshiError } from '../../errors.ts'
import { openTable, type RawRow } from '../read/index.ts'
import { readGridGeoJson } from './geojson.ts'
import { findGridHeader, readGridTable } from './table.ts'
import type { GridFile } from './types.ts'

export { parseGridGeoJson, readGridGeoJson } from './geojson.ts'
export { type StoredFile, storeGridFiles } from './store.ts'
export { readGridTable } from './table.ts'
export type * from './types.ts'

const GEOJSON_EXTENSIONS = new Set(['.geojson', '.json'])

/** GeoJSON by its extension, or by content: JSON opens with `{` (after a BOM or blanks); a table never does. */
async function looksLikeJson(path: string): Promise<boolean> {
  if (GEOJSON_EXTENSIONS.has(extname(path).toLowerCase())) return true
  const handle = await open(path, 'r').catch(() => null)
  if (!handle) return false
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0)
    return /^(\uFEFF)?\s*\{/.test(buffer.subarray(0, bytesRead).toString('utf8'))
  } finally {
    await handle.close()
  }
}

/** Reads one grid file whole; `district` (6 digits) is assumed for addresses that name none. */
export async function readGridFile(path: string, district: string): Promise<GridFile> {
  const file = basename(path)
  const exists = await open(path, 'r').then(
    (h) => h.close().then(() => true),
    () => false,
  )
  if (!exists) throw new SanshiError('SANSHI101', 'no such file', { file: path })
  if (await looksLikeJson(path))
    return { kind: 'polygons', file, grids: await readGridGeoJson(path, district) }
  return readGridTable(path, district)
}

/**
 * Whether a table found in an ingest folder is a grid file (a coverage or standard-address list), so
 * `sanshi ingest DIR` passes it by with a note instead of refusing it as an unknown department format.
 */
export async function isGridTable(path: string): Promise<boolean> {
  try {
    const head: RawRow[] = []
    for await (const r of (await openTable(path)).rows()) {
      head.push(r)
      if (findGridHeader(head)) return true
      if (head.length >= 20) break
    }
  } catch {
    // unreadable here is for the ingest to report as it always has
  }
  return false
}
