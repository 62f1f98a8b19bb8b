import type { Database } from '../../db/index.ts'
import {
  containsPoint,
  type GridGeometry,
  preparePolygon,
} from '../../match/grid-assignment/point-in-polygon.ts'
import type { Condition } from './lookups.ts'

/**
 * Records near a point, through the house they stand in (a house's own point for houses). PostGIS
 * answers from its GiST index; the embedded database has no PostGIS (DESIGN.md, Storage) and answers
 * from the plain lng/lat columns: a bounding box, then the great-circle distance. Both keep exactly the
 * houses within `radius` metres, so the two databases agree.
 */

const EARTH_RADIUS_M = 6_371_008.8
const METRES_PER_DEGREE = (Math.PI * EARTH_RADIUS_M) / 180

export interface Point {
  lng: number
  lat: number
}

export const parsePoint = (text: string): Point => {
  const [lng, lat] = text.split(',').map(Number)
  return { lng: lng!, lat: lat! }
}

/**
 * The condition on a house alias `h` (with lng/lat, and geom on PostGIS) that keeps houses within
 * radius metres of p. Its placeholders start after `offset` existing parameters.
 */
export function houseNear(h: string, p: Point, radius: number, postgis: boolean, offset: number): Condition {
  const $ = (i: number) => `$${offset + i}`
  const dLat = radius / METRES_PER_DEGREE
  const dLng = radius / (METRES_PER_DEGREE * Math.max(Math.cos((p.lat * Math.PI) / 180), 0.01))
  const haversine = `2 * ${EARTH_RADIUS_M} * asin(sqrt(
      power(sin(radians(${h}.lat - ${$(2)}) / 2), 2)
      + cos(radians(${$(2)})) * cos(radians(${h}.lat)) * power(sin(radians(${h}.lng - ${$(1)}) / 2), 2)))`
  const box = `${h}.lng between ${$(4)} and ${$(5)} and ${h}.lat between ${$(6)} and ${$(7)}`
  const where = postgis
    ? `st_dwithin(${h}.geom::geography, st_setsrid(st_makepoint(${$(1)}, ${$(2)}), 4326)::geography, ${$(3)})`
    : `${box} and ${haversine} <= ${$(3)}`
  // PostgreSQL refuses a parameter no statement uses (it cannot type it): the box only where it is used
  const params = postgis
    ? [p.lng, p.lat, radius]
    : [p.lng, p.lat, radius, p.lng - dLng, p.lng + dLng, p.lat - dLat, p.lat + dLat]
  return { where, params }
}

/**
 * The houses whose point lies within a grid's polygon, as a condition on a house alias `h`. PostGIS
 * answers with ST_Contains over its GiST index; the embedded database narrows to the polygon's bounding
 * box in SQL and tests each point in TypeScript, by the same rule (a point on an edge is outside).
 */
export async function housesInGrid(db: Database, h: string, code: string): Promise<Condition> {
  if (db.capabilities.postgis)
    return {
      where: `st_contains((select g.geom from grids g where g.code = $1), ${h}.geom)`,
      params: [code],
    }
  const [grid] = await db.query<{ polygon: GridGeometry | null }>(
    'select polygon from grids where code = $1',
    [code],
  )
  if (!grid?.polygon) return { where: 'false', params: [] }
  const polygon = preparePolygon(grid.polygon)
  const inBox = await db.query<{ id: string; lng: number; lat: number }>(
    `select hb.id, hb.lng, hb.lat from houses hb, grids g
      where g.code = $1 and hb.lng between g.min_lng and g.max_lng and hb.lat between g.min_lat and g.max_lat`,
    [code],
  )
  const inside = inBox.filter((p) => containsPoint(polygon, Number(p.lng), Number(p.lat))).map((p) => p.id)
  return { where: `${h}.id = any($1::text[])`, params: [inside] }
}
