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
