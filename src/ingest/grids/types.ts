/** What the grid files say, read and checked, before anything is written. */
import type { grids } from '../../db/schema/index.ts'

/** A grid's area as stored: a GeoJSON Polygon or MultiPolygon geometry. */
export type GridGeometry = NonNullable<(typeof grids.$inferSelect)['polygon']>

/** A grid from a GeoJSON feature: its polygon, and what its properties name. */
export interface GridPolygon {
  feature: number // 1-based, for messages
  code: string
  name: string | null
  communityCode: string | null
  workers: string[]
  polygon: GridGeometry
  bbox: { minLng: number; minLat: number; maxLng: number; maxLat: number }
}

/**
 * How precise an address is: one house (a room), a building, or a site — a compound or a door number,
 * everything behind it. Coverage and coordinates apply at the finest level a row names.
 */
export type PlaceLevel = 'house' | 'building' | 'site'

/** An address read from a grid table: its level and canonical key as the parser gives it. */
export interface Place {
  level: PlaceLevel
  key: string
}

/** 网格编码 + 小区/地址 (+ 楼栋): this place is in this grid. */
export interface CoverageRow extends Place {
  row: number
  gridCode: string
}

/** 地址 + 经度 + 纬度: where this place stands. */
export interface PointRow extends Place {
  row: number
  lng: number
  lat: number
}

/** What a coverage table says about a grid besides its places (names a grid that has no polygon yet). */
export interface GridFacts {
  code: string
  row: number
  name: string | null
  communityCode: string | null
  workers: string[]
}

export interface GridPolygons {
  kind: 'polygons'
  file: string
  grids: GridPolygon[]
}

export interface GridTable {
  kind: 'coverage' | 'addresses'
  file: string
  /** the column that holds grid codes, for messages about them */
  gridColumn: string | null
  grids: GridFacts[]
  coverage: CoverageRow[]
  points: PointRow[]
}

export type GridFile = GridPolygons | GridTable
