/**
 * Grid polygons from a GeoJSON FeatureCollection (RFC 7946: UTF-8, WGS84 lng/lat). Each feature is a
 * grid: properties name its code, name, community and workers (English or Chinese keys); its geometry
 * is a Polygon or MultiPolygon. The geometry is checked here, once, so PostGIS and the embedded
 * fallback read the same valid shapes; positions are cut to 2D (a Z would not fit the geometry column).
 */
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { z } from 'zod'
import { SanshiError } from '../../errors.ts'
import { cleanCode, fieldOf, gridCodeProblem, resolveCommunity, splitWorkers } from './fields.ts'
import type { GridGeometry, GridPolygon } from './types.ts'

/** A district's grids are a few MB; past this the file is not a grid layer (or not one to parse whole). */
export const MAX_GEOJSON_BYTES = 64 * 1024 * 1024

const Position = z
  .array(z.number({ error: 'a position holds numbers' }), { error: 'a position is an array [lng, lat]' })
  .min(2, 'a position needs lng and lat')
  .max(4, 'a position has at most 4 numbers')
  .superRefine(([lng, lat], ctx) => {
    if (Math.abs(lng as number) > 180) ctx.addIssue({ code: 'custom', message: 'longitude is outside ±180' })
    else if (Math.abs(lat as number) > 90)
      ctx.addIssue({ code: 'custom', message: 'latitude is outside ±90' })
  })

const Ring = z
  .array(Position, { error: 'a ring is an array of positions' })
  .min(4, 'a ring needs at least 4 positions (the first repeated last)')
  .superRefine((ring, ctx) => {
    const first = ring[0] as number[]
    const last = ring[ring.length - 1] as number[]
    if (first[0] !== last[0] || first[1] !== last[1])
      ctx.addIssue({ code: 'custom', message: 'a ring must end where it starts' })
  })

const PolygonRings = z
  .array(Ring, { error: 'a polygon is an array of rings' })
  .min(1, 'a polygon needs a ring')

const Geometry = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('Polygon'), coordinates: PolygonRings }),
    z.object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(PolygonRings, { error: 'a MultiPolygon is an array of polygons' }).min(1),
    }),
  ],
  { error: (i) => `geometry must be a Polygon or MultiPolygon, not ${describeType(i.input)}` },
)

const Feature = z.object({
  type: z.literal('Feature', { error: 'each member of features must be a Feature' }),
  properties: z.record(z.string(), z.unknown(), { error: 'properties must be an object' }).nullable(),
  geometry: z.unknown(),
})

const Collection = z.object({
  type: z.literal('FeatureCollection', { error: 'the file must hold a GeoJSON FeatureCollection' }),
  features: z.array(z.unknown(), { error: 'features must be an array' }),
})

function describeType(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === null ? 'null' : typeof value
  const type = (value as { type?: unknown }).type
  return typeof type === 'string' ? type.slice(0, 40) : 'an object without a type'
}

const pathText = (path: readonly PropertyKey[]): string =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')

/** Reads and checks a whole GeoJSON file of grids; throws SANSHI206 / SANSHI212 naming the feature. */
export async function readGridGeoJson(path: string, district: string): Promise<GridPolygon[]> {
  const file = basename(path)
  const size = (await stat(path)).size
  if (size > MAX_GEOJSON_BYTES)
    throw new SanshiError(
      'SANSHI206',
      `a GeoJSON file of ${size} bytes is larger than ${MAX_GEOJSON_BYTES}`,
      { file },
      'split the grids over several files',
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path))
  } catch {
    throw new SanshiError('SANSHI212', 'GeoJSON must be UTF-8 text', { file })
  }
  return parseGridGeoJson(text, file, district)
}

export function parseGridGeoJson(text: string, file: string, district: string): GridPolygon[] {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (e) {
    // the parser's message quotes the text; only where it stopped is kept
    const at = /position (\d+)/.exec(String((e as Error).message))
    throw new SanshiError('SANSHI212', `not valid JSON${at ? ` (at character ${at[1]})` : ''}`, { file })
  }
  const collection = Collection.safeParse(json)
  if (!collection.success) {
    const issue = collection.error.issues[0]
    throw new SanshiError('SANSHI212', issue?.message ?? 'not a FeatureCollection', { file })
  }
  const features = collection.data.features
  if (features.length === 0)
    throw new SanshiError('SANSHI212', 'the FeatureCollection has no features', { file })
  const seen = new Map<string, number>()
  return features.map((raw, i) => {
    const grid = readFeature(raw, i + 1, file, district)
    const first = seen.get(grid.code)
    if (first !== undefined)
      throw new SanshiError('SANSHI212', `feature ${i + 1}: grid ${grid.code} is also feature ${first}`, {
        file,
        column: 'properties.code',
      })
    seen.set(grid.code, i + 1)
    return grid
  })
}

function readFeature(raw: unknown, n: number, file: string, district: string): GridPolygon {
  const fail = (message: string, column?: string): never => {
    throw new SanshiError('SANSHI212', `feature ${n}: ${message}`, column ? { file, column } : { file })
  }
  const feature = Feature.safeParse(raw)
  if (!feature.success) {
    const issue = feature.error.issues[0]
    return fail(
      issue?.message ?? 'not a Feature',
      issue?.path.length ? pathText(issue.path).slice(1) : undefined,
    )
  }
  const props = new Map<string, { key: string; value: unknown }>()
  for (const [key, value] of Object.entries(feature.data.properties ?? {})) {
    const field = fieldOf(key)
    if (field && value !== null && value !== '' && !props.has(field)) props.set(field, { key, value })
  }
  const text = (field: 'gridCode' | 'gridName' | 'community'): string | null => {
    const p = props.get(field)
    if (!p) return null
    if (typeof p.value === 'string') return p.value
    if (typeof p.value === 'number' && Number.isSafeInteger(p.value)) return String(p.value)
    return fail(`${p.key} must be text`, `properties.${p.key}`)
  }

  const code = cleanCode(text('gridCode') ?? '')
  const codeProblem = gridCodeProblem(code)
  if (codeProblem)
    fail(
      `the grid code (网格编码 or code) ${codeProblem}`,
      `properties.${props.get('gridCode')?.key ?? 'code'}`,
    )

  const communityText = text('community')
  let communityCode: string | null = null
  if (communityText !== null) {
    const c = resolveCommunity(communityText, district)
    if (c.problem) fail(`grid ${code}: community ${c.problem}`, `properties.${props.get('community')?.key}`)
    communityCode = c.code ?? null
  }

  const workersProp = props.get('workers')
  let workers: string[] = []
  if (workersProp) {
    const v = workersProp.value
    if (typeof v === 'string') workers = splitWorkers(v)
    else if (Array.isArray(v) && v.every((w) => typeof w === 'string')) workers = splitWorkers(v)
    else fail(`grid ${code}: workers must be text or a list of texts`, `properties.${workersProp.key}`)
  }

  if (feature.data.geometry === null || feature.data.geometry === undefined)
    fail(`grid ${code} has no geometry`, 'geometry')
  const geometry = Geometry.safeParse(feature.data.geometry)
  if (!geometry.success) {
    const issue = geometry.error.issues[0]
    fail(
      `grid ${code}: ${issue?.message ?? 'geometry refused'}`,
      `geometry${issue ? pathText(issue.path) : ''}`,
    )
  }
  const g = geometry.data as { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] }
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][]
  const flat = polygons.map((rings) => rings.map((ring) => ring.map((p) => [p[0] as number, p[1] as number])))
  const bbox = { minLng: Infinity, minLat: Infinity, maxLng: -Infinity, maxLat: -Infinity }
  for (const rings of flat)
    for (const [lng, lat] of rings[0] as number[][]) {
      bbox.minLng = Math.min(bbox.minLng, lng as number)
      bbox.maxLng = Math.max(bbox.maxLng, lng as number)
      bbox.minLat = Math.min(bbox.minLat, lat as number)
      bbox.maxLat = Math.max(bbox.maxLat, lat as number)
    }
  const polygon: GridGeometry =
    g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: flat[0] }
      : { type: 'MultiPolygon', coordinates: flat }
  return {
    feature: n,
    code,
    name: text('gridName')?.normalize('NFKC').trim() || null,
    communityCode,
    workers,
    polygon,
    bbox,
  }
}
