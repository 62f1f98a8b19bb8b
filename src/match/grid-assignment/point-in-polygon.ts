/**
 * Point in polygon for the embedded database, which has no PostGIS. It answers as ST_Contains does, so
 * both databases put a house in the same grid: a point on an edge (outer ring or hole) is not inside,
 * a point in a hole is not inside, a MultiPolygon contains what any of its parts contains.
 */

import type { grids } from '../../db/schema/index.ts'

/** A grid's area as stored (validated on import): a GeoJSON Polygon or MultiPolygon geometry. */
export type GridGeometry = NonNullable<(typeof grids.$inferSelect)['polygon']>

/** One polygon: its rings as flat [lng0, lat0, lng1, lat1, …] arrays, the outer ring first. */
interface PreparedPart {
  rings: Float64Array[]
  minLng: number
  minLat: number
  maxLng: number
  maxLat: number
}

export interface PreparedPolygon {
  parts: PreparedPart[]
}

type Ring = readonly (readonly number[])[]

/** Flattens a GeoJSON Polygon or MultiPolygon (validated on import) into arrays the test walks fast. */
export function preparePolygon(geometry: GridGeometry): PreparedPolygon {
  const polygons = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  ) as readonly (readonly Ring[])[]
  return {
    parts: polygons.map((rings) => {
      const flat = rings.map((ring) => {
        const out = new Float64Array(ring.length * 2)
        ring.forEach((p, i) => {
          out[2 * i] = p[0] as number
          out[2 * i + 1] = p[1] as number
        })
        return out
      })
      const outer = flat[0] ?? new Float64Array(0)
      let minLng = Infinity
      let minLat = Infinity
      let maxLng = -Infinity
      let maxLat = -Infinity
      for (let i = 0; i < outer.length; i += 2) {
        minLng = Math.min(minLng, outer[i] as number)
        maxLng = Math.max(maxLng, outer[i] as number)
        minLat = Math.min(minLat, outer[i + 1] as number)
        maxLat = Math.max(maxLat, outer[i + 1] as number)
      }
      return { rings: flat, minLng, minLat, maxLng, maxLat }
    }),
  }
}

const OUTSIDE = 0
const INSIDE = 1
const ON_EDGE = 2

/** Crossing count along a ray to +lng, with an exact on-edge test first (cross product zero, within the segment). */
function locateInRing(ring: Float64Array, lng: number, lat: number): number {
  let inside = false
  const n = ring.length
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const x1 = ring[j] as number
    const y1 = ring[j + 1] as number
    const x2 = ring[i] as number
    const y2 = ring[i + 1] as number
    const cross = (x2 - x1) * (lat - y1) - (lng - x1) * (y2 - y1)
    if (
      cross === 0 &&
      lng >= Math.min(x1, x2) &&
      lng <= Math.max(x1, x2) &&
      lat >= Math.min(y1, y2) &&
      lat <= Math.max(y1, y2)
    )
      return ON_EDGE
    // the edge straddles the ray's line, and the point lies left of it (seen going up): the ray crosses it
    if (y1 > lat !== y2 > lat && (y2 > y1 ? cross > 0 : cross < 0)) inside = !inside
  }
  return inside ? INSIDE : OUTSIDE
}

function partContains(part: PreparedPart, lng: number, lat: number): boolean {
  if (lng < part.minLng || lng > part.maxLng || lat < part.minLat || lat > part.maxLat) return false
  const [outer, ...holes] = part.rings
  if (!outer || locateInRing(outer, lng, lat) !== INSIDE) return false
  for (const hole of holes) if (locateInRing(hole, lng, lat) !== OUTSIDE) return false
  return true
}

/** Whether the point lies in the polygon's interior (ST_Contains). */
export function containsPoint(polygon: PreparedPolygon, lng: number, lat: number): boolean {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return false
  return polygon.parts.some((part) => partContains(part, lng, lat))
}
