/**
 * Writes what the grid files said, inside the caller's transaction (one for the whole import, so a
 * refused file leaves nothing behind). Polygons first: a coverage list may name the grids they bring.
 *   grids          a grid re-imported is replaced whole (name, community, polygon, workers)
 *   grid_coverage  a grid in a coverage list has exactly the places that list gives it; a place
 *                  listed again under another grid moves there
 *   address_points a place given coordinates again takes the new ones
 */
import type { Database, Tx } from '../../db/types.ts'
import { SanshiError } from '../../errors.ts'
import type { CoverageRow, GridFacts, GridFile, GridPolygon, PointRow } from './types.ts'

export interface StoredFile {
  file: string
  kind: GridFile['kind']
  /** grids written: new, and replaced or updated */
  gridsCreated: number
  gridsUpdated: number
  coverage: number
  points: number
}

const KIND_ORDER: Record<GridFile['kind'], number> = { polygons: 0, coverage: 1, addresses: 2 }

export async function storeGridFiles(
  db: Database,
  tx: Tx,
  files: readonly GridFile[],
): Promise<StoredFile[]> {
  const out: StoredFile[] = []
  const ordered = [...files].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind])
  for (const f of ordered) {
    const stored: StoredFile = {
      file: f.file,
      kind: f.kind,
      gridsCreated: 0,
      gridsUpdated: 0,
      coverage: 0,
      points: 0,
    }
    if (f.kind === 'polygons') Object.assign(stored, await upsertPolygons(tx, f.grids))
    else {
      Object.assign(stored, await upsertFacts(tx, f.file, f.gridColumn, f.grids))
      stored.coverage = await replaceCoverage(db, tx, f.file, f.grids, f.coverage)
      stored.points = await upsertPoints(db, tx, f.file, f.points)
    }
    out.push(stored)
  }
  return out
}

type Counts = Pick<StoredFile, 'gridsCreated' | 'gridsUpdated'>

async function upsertPolygons(tx: Tx, grids: readonly GridPolygon[]): Promise<Counts> {
  const rows = grids.map((g) => ({
    code: g.code,
    name: g.name,
    community_code: g.communityCode,
    polygon: g.polygon,
    min_lng: g.bbox.minLng,
    min_lat: g.bbox.minLat,
    max_lng: g.bbox.maxLng,
    max_lat: g.bbox.maxLat,
    workers: g.workers,
  }))
  const [counts] = await tx.query<{ created: number; updated: number }>(
    `with x as (
       insert into grids (code, name, community_code, polygon, min_lng, min_lat, max_lng, max_lat, workers)
       select code, name, community_code, polygon, min_lng, min_lat, max_lng, max_lat,
              array(select jsonb_array_elements_text(workers))
         from jsonb_to_recordset($1::jsonb) as r(code text, name text, community_code text, polygon jsonb,
              min_lng float8, min_lat float8, max_lng float8, max_lat float8, workers jsonb)
       on conflict (code) do update set name = excluded.name, community_code = excluded.community_code,
              polygon = excluded.polygon, min_lng = excluded.min_lng, min_lat = excluded.min_lat,
              max_lng = excluded.max_lng, max_lat = excluded.max_lat, workers = excluded.workers
       returning (xmax = 0) as created)
     select count(*) filter (where created)::int as created, count(*) filter (where not created)::int as updated
       from x`,
    [JSON.stringify(rows)],
  )
  return { gridsCreated: counts?.created ?? 0, gridsUpdated: counts?.updated ?? 0 }
}

/**
 * Grids a table names: known ones take the name, community and workers it gives (blank keeps what
 * they had); an unknown one is created only when the table names it, else the file is refused.
 */
async function upsertFacts(
  tx: Tx,
  file: string,
  gridColumn: string | null,
  grids: readonly GridFacts[],
): Promise<Counts> {
  if (grids.length === 0) return { gridsCreated: 0, gridsUpdated: 0 }
  const known = new Set(
    (
      await tx.query<{ code: string }>(`select code from grids where code = any($1::text[])`, [
        grids.map((g) => g.code),
      ])
    ).map((r) => r.code),
  )
  const unknown = grids.find((g) => !known.has(g.code) && g.name === null)
  if (unknown)
    throw new SanshiError(
      'SANSHI212',
      `grid ${unknown.code} is not known: import its polygon first, or give its 网格名称 in this file`,
      { file, row: unknown.row, ...(gridColumn ? { column: gridColumn } : {}) },
    )
  const rows = grids.map((g) => ({
    code: g.code,
    name: g.name,
    community_code: g.communityCode,
    workers: g.workers.length > 0 ? g.workers : null,
  }))
  await tx.query(
    `insert into grids (code, name, community_code, workers)
     select code, name, community_code, coalesce(array(select jsonb_array_elements_text(workers)), '{}')
       from jsonb_to_recordset($1::jsonb) as r(code text, name text, community_code text, workers jsonb)
     on conflict (code) do update set name = coalesce(excluded.name, grids.name),
            community_code = coalesce(excluded.community_code, grids.community_code),
            workers = case when cardinality(excluded.workers) > 0 then excluded.workers else grids.workers end`,
    [JSON.stringify(rows)],
  )
  const created = grids.filter((g) => !known.has(g.code)).length
  return { gridsCreated: created, gridsUpdated: grids.length - created }
}

const placeArrays = (rows: readonly { level: string; key: string }[]) => [
  rows.map((r) => r.level),
  rows.map((r) => r.key),
]

const CHUNK = 20_000

async function replaceCoverage(
  db: Database,
  tx: Tx,
  file: string,
  grids: readonly GridFacts[],
  rows: readonly CoverageRow[],
): Promise<number> {
  if (rows.length === 0) return 0
  await tx.query(`delete from grid_coverage where grid_code = any($1::text[])`, [grids.map((g) => g.code)])
  for (let k = 0; k < rows.length; k += CHUNK)
    await tx.query(
      `delete from grid_coverage c using unnest($1::text[], $2::text[]) as x(level, key)
        where c.level = x.level and c.key = x.key`,
      placeArrays(rows.slice(k, k + CHUNK)),
    )
  return db.copyInto(
    tx,
    'grid_coverage',
    ['grid_code', 'level', 'key', 'file', 'row'],
    rows.map((r) => [r.gridCode, r.level, r.key, file, r.row]),
  )
}

async function upsertPoints(db: Database, tx: Tx, file: string, rows: readonly PointRow[]): Promise<number> {
  if (rows.length === 0) return 0
  // deleted and written anew rather than updated in place: the newest row has the highest id
  for (let k = 0; k < rows.length; k += CHUNK)
    await tx.query(
      `delete from address_points p using unnest($1::text[], $2::text[]) as x(level, key)
        where p.level = x.level and p.key = x.key`,
      placeArrays(rows.slice(k, k + CHUNK)),
    )
  return db.copyInto(
    tx,
    'address_points',
    ['level', 'key', 'lng', 'lat', 'file', 'row'],
    rows.map((r) => [r.level, r.key, r.lng, r.lat, file, r.row]),
  )
}
