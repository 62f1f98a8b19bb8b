/** Grid polygons from GeoJSON: what is read from a good file, and how each kind of bad file is refused. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SanshiError } from '../../../src/errors.ts'
import { parseGridGeoJson, readGridGeoJson } from '../../../src/ingest/grids/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'sanshi-geojson-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ring = (x: number, y: number, d = 0.01): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
]
const feature = (
  properties: unknown,
  geometry: unknown = { type: 'Polygon', coordinates: [ring(118.7, 32)] },
) => ({
  type: 'Feature',
  properties,
  geometry,
})
const collection = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features })
const parse = (text: string) => parseGridGeoJson(text, 'grids.geojson', '320104')

/** The error parse throws, for matching its code, message and location. */
const refusal = (text: string): SanshiError => {
  try {
    parse(text)
  } catch (e) {
    if (e instanceof SanshiError) return e
    throw e
  }
  throw new Error('not refused')
}

describe('parseGridGeoJson', () => {
  it('reads English properties, a Polygon, its bounding box', () => {
    const [g] = parse(
      collection(
        feature({
          code: '320104001001-01',
          name: '中牌楼社区第1网格',
          community: '320104001001',
          workers: ['王芳'],
        }),
      ),
    )
    expect(g).toEqual({
      feature: 1,
      code: '320104001001-01',
      name: '中牌楼社区第1网格',
      communityCode: '320104001001',
      workers: ['王芳'],
      polygon: { type: 'Polygon', coordinates: [ring(118.7, 32)] },
      bbox: { minLng: 118.7, minLat: 32, maxLng: 118.7 + 0.01, maxLat: 32 + 0.01 },
    })
  })

  it('reads Chinese properties, a community by name, workers in one text, a MultiPolygon in 3D', () => {
    const threeD = (r: number[][]) => r.map(([x, y]) => [x, y, 12.5])
    const [g] = parse(
      '\uFEFF' +
        collection(
          feature(
            {
              网格编码: '３２０１０４００１００１－０２',
              网格名称: '二网格',
              社区: '中牌楼社区居委会',
              网格员: '张伟、李娜,张伟',
            },
            { type: 'MultiPolygon', coordinates: [[threeD(ring(118.7, 32))], [ring(118.8, 32.1, 0.02)]] },
          ),
        ),
    )
    expect(g?.code).toBe('320104001001-02')
    expect(g?.communityCode).toBe('320104001001')
    expect(g?.workers).toEqual(['张伟', '李娜'])
    expect(g?.polygon).toEqual({
      type: 'MultiPolygon',
      coordinates: [[ring(118.7, 32)], [ring(118.8, 32.1, 0.02)]],
    })
    expect(g?.bbox).toEqual({ minLng: 118.7, minLat: 32, maxLng: 118.8 + 0.02, maxLat: 32.1 + 0.02 })
  })

  it('takes a numeric code and leaves absent fields empty', () => {
    const [g] = parse(collection(feature({ gridCode: 3201040010010 })))
    expect(g).toMatchObject({ code: '3201040010010', name: null, communityCode: null, workers: [] })
  })

  it.each([
    ['not JSON', '{"type": "FeatureCollection", "features": [', /not valid JSON/, undefined],
    ['a bare Feature', JSON.stringify(feature({ code: 'a' })), /FeatureCollection/, undefined],
    ['no features', collection(), /no features/, undefined],
    [
      'a member that is no Feature',
      collection({ type: 'Point', coordinates: [1, 2] }),
      /feature 1: each member/,
      'type',
    ],
    [
      'a Point geometry',
      collection(feature({ code: 'g1' }, { type: 'Point', coordinates: [118.7, 32] })),
      /feature 1: grid g1: geometry must be a Polygon or MultiPolygon, not Point/,
      'geometry.type',
    ],
    [
      'a GeometryCollection',
      collection(feature({ code: 'g1' }, { type: 'GeometryCollection', geometries: [] })),
      /not GeometryCollection/,
      'geometry.type',
    ],
    ['no geometry', collection(feature({ code: 'g1' }, null)), /grid g1 has no geometry/, 'geometry'],
    [
      'no code',
      collection(feature({ name: '一网格' })),
      /feature 1: the grid code \(网格编码 or code\) is blank/,
      'properties.code',
    ],
    ['a code with spaces', collection(feature({ 网格编码: 'a b' })), /holds spaces/, 'properties.网格编码'],
    ['a code as an object', collection(feature({ code: { x: 1 } })), /code must be text/, 'properties.code'],
    [
      'the same code twice',
      collection(feature({ code: 'g1' }), feature({ code: 'g2' }), feature({ code: 'g1' })),
      /feature 3: grid g1 is also feature 1/,
      'properties.code',
    ],
    [
      'an open ring',
      collection(
        feature(
          { code: 'g1' },
          {
            type: 'Polygon',
            coordinates: [
              ring(118.7, 32)
                .slice(0, 4)
                .concat([[118.7, 32.001]]),
            ],
          },
        ),
      ),
      /grid g1: a ring must end where it starts/,
      'geometry.coordinates[0]',
    ],
    [
      'a ring of three positions',
      collection(
        feature(
          { code: 'g1' },
          {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [0, 0],
              ],
            ],
          },
        ),
      ),
      /at least 4 positions/,
      'geometry.coordinates[0]',
    ],
    [
      'latitude and longitude swapped',
      collection(feature({ code: 'g1' }, { type: 'Polygon', coordinates: [ring(32, 118.7)] })),
      /latitude is outside ±90/,
      'geometry.coordinates[0][0]',
    ],
    [
      'a position of text',
      collection(
        feature(
          { code: 'g1' },
          {
            type: 'Polygon',
            coordinates: [
              [
                ['118', '32'],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        ),
      ),
      /position holds numbers/,
      'geometry.coordinates[0][0][0]',
    ],
    [
      'an unknown community',
      collection(feature({ code: 'g1', 社区: '不存在社区' })),
      /grid g1: community names no community of district 320104/,
      'properties.社区',
    ],
    [
      'workers as a number',
      collection(feature({ code: 'g1', workers: 5 })),
      /workers must be text/,
      'properties.workers',
    ],
  ])('refuses %s', (_name, text, message, column) => {
    const e = refusal(text)
    expect(e.code).toBe('SANSHI212')
    expect(e.message).toMatch(message)
    expect(e.location.file).toBe('grids.geojson')
    expect(e.location.column).toBe(column)
  })

  it('names where the JSON broke without quoting the file', () => {
    const e = refusal(
      '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"网格员": "王芳"}, }]}',
    )
    expect(e.message).toMatch(/^not valid JSON/)
    expect(e.message).not.toContain('王芳')
  })
})

describe('readGridGeoJson', () => {
  it('refuses a file past the size limit before reading it (a 100 MB single line)', async () => {
    const path = join(dir, 'huge.geojson')
    writeFileSync(path, '{"type":"FeatureCollection","features":[')
    truncateSync(path, 100 * 1024 * 1024)
    await expect(readGridGeoJson(path, '320104')).rejects.toMatchObject({
      code: 'SANSHI206',
      location: { file: 'huge.geojson' },
    })
  })

  it('refuses bytes that are not UTF-8', async () => {
    const path = join(dir, 'gbk.geojson')
    writeFileSync(path, Buffer.from([0x7b, 0x22, 0xcd, 0xf8, 0xb8, 0xf1, 0x22, 0x7d]))
    await expect(readGridGeoJson(path, '320104')).rejects.toMatchObject({
      code: 'SANSHI212',
      message: /UTF-8/,
    })
  })

  it('reads a file', async () => {
    const path = join(dir, 'ok.geojson')
    writeFileSync(path, collection(feature({ code: 'g1' })))
    expect((await readGridGeoJson(path, '320104')).map((g) => g.code)).toEqual(['g1'])
  })
})
