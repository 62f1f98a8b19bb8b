/**
 * Each golden house's grid, from what `sanshi grids import` stored (docs/grids.md):
 *   1. the coverage lists: the house itself, else its building, else its site (compound or door number)
 *   2. else the grid polygon its point falls in (ST_Contains on PostGIS; on the embedded database a
 *      bounding-box join in SQL and point-in-polygon.ts, which answers alike), the point
 *      coming from the standard-address list where it names the house, its building or its site
 *   3. else the grid the matcher gave it from grid.visit records (kept in the house's provenance while
 *      an assigned grid stands in front of it, so a place taken out of a coverage list falls back).
 * Persons without a grid of their own, and units, follow their house (as golden.ts does in a match).
 * All set-based: a few statements over every house in scope, never a round trip per house.
 */
import type { Database, Tx } from '../../db/types.ts'
import type { AddressCanon } from '../houses.ts'
import { buildingSql, type PlaceLevel, placeJoins, placeKey, siteSql } from './place-keys.ts'
import { hitsByFallback, hitsByPostgis } from './spatial.ts'
import { createWorkTables, insertChunks } from './work-tables.ts'

export { buildingSql, type PlaceLevel, placeKey, siteSql } from './place-keys.ts'

export interface AssignOptions {
  /** The matcher's compound aliases (AddressCanon.learn), read before the transaction began. */
  canon: AddressCanon
  /** Only these houses (the ones an incremental match rewrote); every house when absent. */
  houseIds?: readonly string[]
  /** Which point-in-polygon to use; `auto` is PostGIS where the database has it. */
  spatial?: 'auto' | 'postgis' | 'fallback'
  /** Count the coverage places no house stands at (typos, or places no department wrote yet). */
  countUnplaced?: boolean
}

export interface GridAssignment {
  houses: number
  /** houses whose coordinates the standard-address list set or changed */
  located: number
  /** houses whose grid each rule gives (the rest keep the matcher's) */
  byRule: Record<PlaceLevel | 'polygon', number>
  /** houses whose grid changed, and of those how many fell back to the matcher's */
  changed: number
  reverted: number
  persons: number
  units: number
  /** places stored under two grids in different spellings: the latest import wins */
  conflicts: number
  /** coverage places no house stands at (only counted when asked) */
  unplaced: number
  spatial: 'postgis' | 'fallback' | 'none'
  seconds: number
}

/** Written into houses.fields: where an assigned grid, or a listed position, came from. */
export const ASSIGNED = 'grid-assignment'
export const LISTED = 'standard-address'

const clock = () => performance.now() / 1000

export async function assignGrids(db: Database, tx: Tx, opts: AssignOptions): Promise<GridAssignment> {
  const t0 = clock()
  const out: GridAssignment = {
    houses: 0,
    located: 0,
    byRule: { house: 0, building: 0, site: 0, polygon: 0 },
    changed: 0,
    reverted: 0,
    persons: 0,
    units: 0,
    conflicts: 0,
    unplaced: 0,
    spatial: 'none',
    seconds: 0,
  }
  const [stored] = await tx.query<{ coverage: boolean; points: boolean; polygons: boolean }>(
    `select exists (select 1 from grid_coverage) as coverage, exists (select 1 from address_points) as points,
            exists (select 1 from grids where polygon is not null) as polygons`,
  )
  // nothing imported: every house keeps the matcher's grid, as it always did
  if (!stored || (!stored.coverage && !stored.points && !stored.polygons)) return out
  if (opts.houseIds?.length === 0) return out

  // JIT compiles each of these few big statements for seconds and saves less than it costs; the
  // setting is the transaction's, given back after (an error rolls it back with everything else)
  const [jit] = await tx.query<{ jit: string | null }>(`select current_setting('jit', true) as jit`)
  if (jit?.jit) await tx.query(`select set_config('jit', 'off', true)`)
  await work(db, tx, opts, out, stored.polygons)
  if (jit?.jit) await tx.query(`select set_config('jit', $1, true)`, [jit.jit])
  out.seconds = clock() - t0
  return out
}

async function work(
  db: Database,
  tx: Tx,
  opts: AssignOptions,
  out: GridAssignment,
  polygons: boolean,
): Promise<void> {
  await createWorkTables(tx)
  const scoped = opts.houseIds !== undefined
  if (scoped) await insertChunks(tx, 'grid_scope', ['id'], ['text'], [opts.houseIds as string[]])
  const scope = scoped ? `h.id in (select id from grid_scope)` : 'true'

  out.conflicts = await loadPlaces(tx, opts.canon)
  // each house's position and grid are worked out first, then written in one update per house
  await target(tx, scope)
  if (polygons) {
    const postgis = opts.spatial === 'postgis' || (opts.spatial !== 'fallback' && db.capabilities.postgis)
    out.spatial = postgis ? 'postgis' : 'fallback'
    if (postgis) await hitsByPostgis(tx)
    else await hitsByFallback(tx)
  }
  Object.assign(out, await write(tx))
  out.persons = await follow(tx, 'persons', scope)
  out.units = await follow(tx, 'units', scope)
  if (opts.countUnplaced) out.unplaced = await unplaced(tx)
}

/**
 * The stored places at the keys houses have now: the compound aliases the matcher learnt applied, the
 * latest row winning where two spellings became one place. Returns how many places had two grids.
 */
async function loadPlaces(tx: Tx, canon: AddressCanon): Promise<number> {
  const grids = new Map<string, string>()
  let conflicts = 0
  const coverage = await tx.query<{ level: PlaceLevel; key: string; grid_code: string }>(
    `select level, key, grid_code from grid_coverage order by id`,
  )
  for (const r of coverage) {
    const key = placeKey(canon.key(r.key) ?? r.key, r.level)
    if (key === null) continue
    const id = `${r.level}|${key}`
    const before = grids.get(id)
    if (before !== undefined && before !== r.grid_code) conflicts++
    grids.set(id, r.grid_code)
  }
  const points = new Map<string, [number, number]>()
  const rows = await tx.query<{ level: PlaceLevel; key: string; lng: number; lat: number }>(
    `select level, key, lng, lat from address_points order by id`,
  )
  for (const r of rows) {
    const key = placeKey(canon.key(r.key) ?? r.key, r.level)
    if (key !== null) points.set(`${r.level}|${key}`, [Number(r.lng), Number(r.lat)])
  }
  const split = (id: string) => [id.slice(0, id.indexOf('|')), id.slice(id.indexOf('|') + 1)]
  const g = [...grids].map(([id, grid]) => [...split(id), grid])
  await insertChunks(
    tx,
    'grid_places',
    ['level', 'key', 'grid_code'],
    ['text', 'text', 'text'],
    [g.map((x) => x[0]), g.map((x) => x[1]), g.map((x) => x[2])],
  )
  const p = [...points].map(([id, [lng, lat]]) => [...split(id), lng, lat] as const)
  await insertChunks(
    tx,
    'point_places',
    ['level', 'key', 'lng', 'lat'],
    ['text', 'text', 'float8', 'float8'],
    [p.map((x) => x[0]), p.map((x) => x[1]), p.map((x) => x[2]), p.map((x) => x[3])],
  )
  return conflicts
}

/**
 * Each house's position and, where a coverage list names it, its grid. The position is the finest
 * standard-address row that names the house; a position the house's own records gave stands against
 * a building or site row, not against a row naming the house.
 */
async function target(tx: Tx, scope: string): Promise<void> {
  const listed = (a: string) =>
    `case when ph.key is not null then ph.${a} when pb.key is not null then pb.${a} else ps.${a} end`
  await tx.query(
    `insert into house_targets (id, lng, lat, located, grid_code, rule)
     select id, case when listed then lng end, case when listed then lat end, case when listed then level end,
            grid_code, rule
       from (
         select h.id, ${listed('lng')} as lng, ${listed('lat')} as lat,
                case when ph.key is not null then 'house' when pb.key is not null then 'building'
                     when ps.key is not null then 'site' end as level,
                (ph.key is not null or ((pb.key is not null or ps.key is not null)
                  and (not (h.fields ? 'lng') or h.fields->'lng'->>'source' = '${LISTED}'))) as listed,
                coalesce(gh.grid_code, gb.grid_code, gs.grid_code) as grid_code,
                case when gh.grid_code is not null then 'house' when gb.grid_code is not null then 'building'
                     when gs.grid_code is not null then 'site' end as rule
           from houses h ${placeJoins('point_places', 'p')} ${placeJoins('grid_places', 'g')}
          where ${scope}) x`,
  )
  // the position a polygon is tested at: the listed one, else the house's own
  await tx.query(
    `update house_targets t set lng = h.lng, lat = h.lat from houses h
      where h.id = t.id and t.located is null and h.lng is not null and h.lat is not null and t.grid_code is null`,
  )
}

/**
 * Writes each house's position and grid where they differ from what it holds, in one update. The first
 * time a rule overrides the matcher, the matcher's grid and provenance are kept under fields.gridCode
 * (matchedGrid, matched) to fall back to.
 */
async function write(tx: Tx): Promise<Partial<GridAssignment>> {
  const point = (rule: string) => `jsonb_build_object('source', '${LISTED}', 'rule', ${rule})`
  const [r] = await tx.query<{
    houses: number
    house: number
    building: number
    site: number
    polygon: number
    located: number
    changed: number
    reverted: number
  }>(
    `with d as (
       select t.id, t.located, t.lng, t.lat,
              coalesce(t.grid_code, hit.grid_code) as grid,
              coalesce(t.rule, case when hit.grid_code is not null then 'polygon' end) as rule
         from house_targets t left join grid_hits hit on hit.house_id = t.id),
     x as (
       select d.*, h.grid_code as before, coalesce(h.fields->'gridCode'->>'source' = '${ASSIGNED}', false) as assigned,
              d.located is not null and (h.lng is distinct from d.lng or h.lat is distinct from d.lat
                                         or h.fields->'lng'->>'rule' is distinct from d.located) as moved
         from d join houses h on h.id = d.id),
     u as (
       update houses h set updated_at = now(),
              lng = case when x.moved then x.lng else h.lng end,
              lat = case when x.moved then x.lat else h.lat end,
              grid_code = case when x.grid is not null then x.grid
                               when x.assigned then h.fields->'gridCode'->>'matchedGrid' else h.grid_code end,
              fields = case
                            when x.grid is not null then h.fields || jsonb_build_object('gridCode', jsonb_build_object(
                              'source', '${ASSIGNED}', 'rule', x.rule,
                              'matchedGrid', case when x.assigned then h.fields->'gridCode'->'matchedGrid' else to_jsonb(h.grid_code) end,
                              'matched', case when x.assigned then h.fields->'gridCode'->'matched' else h.fields->'gridCode' end))
                            when x.assigned and jsonb_typeof(h.fields->'gridCode'->'matched') = 'object'
                              then h.fields || jsonb_build_object('gridCode', h.fields->'gridCode'->'matched')
                            when x.assigned then h.fields - 'gridCode'
                            else h.fields end
                       || case when x.moved then jsonb_build_object('lng', ${point('x.located')}, 'lat', ${point('x.located')})
                               else '{}'::jsonb end
         from x
        where h.id = x.id
          and (x.moved
               or (x.grid is not null and (not x.assigned or h.grid_code is distinct from x.grid
                                           or h.fields->'gridCode'->>'rule' is distinct from x.rule))
               or (x.grid is null and x.assigned))
       returning h.id, h.address_id, h.lng, h.lat, x.before, h.grid_code as after, x.rule, x.moved),
     a as (
       update addresses a set lng = u.lng, lat = u.lat from u
        where u.moved and a.id = u.address_id and (a.lng is distinct from u.lng or a.lat is distinct from u.lat)
       returning 1)
     select (select count(*)::int from d) as houses,
            (select count(*)::int from d where rule = 'house') as house,
            (select count(*)::int from d where rule = 'building') as building,
            (select count(*)::int from d where rule = 'site') as site,
            (select count(*)::int from d where rule = 'polygon') as polygon,
            (select count(*)::int from u where moved) as located,
            (select count(*)::int from u where before is distinct from after) as changed,
            (select count(*)::int from u where rule is null and before is distinct from after) as reverted,
            (select count(*)::int from a) as addresses`,
  )
  return {
    houses: r?.houses ?? 0,
    located: r?.located ?? 0,
    byRule: {
      house: r?.house ?? 0,
      building: r?.building ?? 0,
      site: r?.site ?? 0,
      polygon: r?.polygon ?? 0,
    },
    changed: r?.changed ?? 0,
    reverted: r?.reverted ?? 0,
  }
}

/** Persons without a grid of their own, and units, take their house's grid (golden.ts followHouseGrids alike). */
async function follow(tx: Tx, table: 'persons' | 'units', scope: string): Promise<number> {
  const own = table === 'persons' ? `and not (t.provenance ? 'gridCode')` : ''
  const [r] = await tx.query<{ n: number }>(
    `with u as (
       update ${table} t set grid_code = h.grid_code, updated_at = now() from houses h
        where t.house_id = h.id and ${scope} ${own} and t.grid_code is distinct from h.grid_code
       returning 1)
     select count(*)::int as n from u`,
  )
  return r?.n ?? 0
}

async function unplaced(tx: Tx): Promise<number> {
  const [r] = await tx.query<{ n: number }>(
    `select count(*)::int as n from grid_places c
      where not (c.level = 'house' and c.key in (select key from houses))
        and not (c.level = 'building'
                 and c.key in (select ${buildingSql('key')} from houses where ${buildingSql('key')} is not null))
        and not (c.level = 'site'
                 and c.key in (select ${siteSql('key')} from houses where ${siteSql('key')} is not null))`,
  )
  return r?.n ?? 0
}
