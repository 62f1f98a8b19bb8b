/**
 * Grid assignment on hand-made houses, on both databases: the order of the rules (house, building,
 * site, polygon, the matcher's grid), holes, exclaves, edges and overlaps, the fall-back when a place
 * leaves a coverage list, persons and units following their house, an incremental scope, and the
 * import's all-or-nothing. placeKey and its SQL twin are checked against each other on a real engine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/index.ts'
import { type GridFile, readGridFile, storeGridFiles } from '../../src/ingest/grids/index.ts'
import {
  assignGrids,
  buildingSql,
  type GridAssignment,
  placeKey,
  siteSql,
} from '../../src/match/grid-assignment/index.ts'
import { AddressCanon } from '../../src/match/houses.ts'
import { forEachDatabase } from '../support/databases.ts'

const dir = mkdtempSync(join(tmpdir(), 'sanshi-grid-assign-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// 颐和名苑 stands at 应天大街5号, as the matcher learns from departments that write both
const canon = new AddressCanon(new Map([['320104|@颐和名苑', '320104|应天大街|5']]))

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
]
const feature = (code: string, geometry: unknown) => ({ type: 'Feature', properties: { code }, geometry })
const POLYGONS = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    // P: a square with a hole in the middle
    feature('P-1', {
      type: 'Polygon',
      coordinates: [square(118.7, 32.0, 118.71, 32.01), square(118.704, 32.004, 118.706, 32.006).reverse()],
    }),
    // Q overlaps P's south-west corner: the lower code wins on both engines
    feature('Q-1', { type: 'Polygon', coordinates: [square(118.699, 31.999, 118.703, 32.003)] }),
    // M: a main part and an exclave
    feature('M-1', {
      type: 'MultiPolygon',
      coordinates: [[square(118.8, 32.1, 118.81, 32.11)], [square(118.9, 32.2, 118.91, 32.21)]],
    }),
    ...['A-1', 'B-1', 'C-1', 'D-1'].map((code) =>
      feature(code, { type: 'Polygon', coordinates: [square(100, 20, 100.001, 20.001)] }),
    ),
  ],
})

const csv = (name: string, rows: string[][]): string => {
  const path = join(dir, name)
  writeFileSync(path, rows.map((r) => r.join(',')).join('\n') + '\n')
  return path
}
const geo = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const COVERAGE = [
  ['网格编码', '小区/地址', '楼栋'],
  ['A-1', '颐和名苑', ''], // the site, spelt by compound name
  ['B-1', '应天大街5号颐和名苑', '3'], // a building, spelt by door number and name
  ['C-1', '应天大街5号4栋302室', ''], // one house
]
const POINTS = [
  ['地址', '经度', '纬度'],
  ['瑞金路6号', '118.702', '32.002'], // in P, and in Q
  ['瑞金路7号', '118.705', '32.005'], // in P's hole
  ['瑞金路8号', '118.71', '32.005'], // on P's edge
  ['文华雅居2栋', '118.905', '32.205'], // in M's exclave
  ['应天大街5号3栋', '118.8', '32.1'], // a covered building: coverage decides, not this point
]

const visit = (record: number) => ({
  gridCode: { sourceRecordId: record, source: 'grid.visit', rule: 'only' },
})
// id, key, matcher's grid, fields
const HOUSES: [string, string, string | null, object][] = [
  ['H1', '320104|应天大街|5|3|1201', 'V0', visit(1)],
  ['H2', '320104|应天大街|5|4|301', 'V0', visit(2)],
  ['H3', '320104|应天大街|5|4|302', null, {}],
  ['H4', '320104|瑞金路|6||', null, {}],
  ['H5', '320104|瑞金路|7||', 'V5', visit(5)],
  ['H6', '320104|@文华雅居|2|101', null, {}],
  ['H7', '!12/house', 'V7', visit(7)],
  ['H8', '320104|瑞金路|8||', null, {}],
]

async function seed(db: Database): Promise<void> {
  await db.query(`truncate houses, addresses, persons, units, grids, grid_coverage, address_points cascade`)
  for (const [i, [id, key, grid, fields]] of HOUSES.entries()) {
    await db.query(`insert into addresses (id, key) values ($1, $2)`, [i + 1, key])
    await db.query(
      `insert into houses (id, address_id, key, grid_code, fields) values ($1, $2, $3, $4, $5)`,
      [id, i + 1, key, grid, JSON.stringify(fields)],
    )
  }
  await db.query(
    `insert into persons (id, house_id, grid_code, provenance) values
       ('P1', 'H1', 'V0', '{}'), ('P2', 'H1', 'OWN', $1), ('P3', 'H5', null, '{}'), ('P4', 'H2', 'V0', '{}')`,
    [JSON.stringify(visit(9))],
  )
  await db.query(`insert into units (id, house_id, grid_code) values ('U1', 'H4', null), ('U2', 'H7', 'X')`)
}

async function importFiles(
  db: Database,
  paths: string[],
  opts: Partial<Parameters<typeof assignGrids>[2]> = {},
) {
  const files: GridFile[] = []
  for (const p of paths) files.push(await readGridFile(p, '320104'))
  return db.transaction(async (tx) => {
    await storeGridFiles(db, tx, files)
    return assignGrids(db, tx, { canon, ...opts })
  })
}

const assign = (db: Database, opts: Partial<Parameters<typeof assignGrids>[2]> = {}) =>
  db.transaction((tx) => assignGrids(db, tx, { canon, ...opts }))

const gridsOf = async (db: Database, table: string) =>
  Object.fromEntries(
    (
      await db.query<{ id: string; grid_code: string | null }>(
        `select id, grid_code from ${table} order by id`,
      )
    ).map((r) => [r.id, r.grid_code]),
  )

const houseState = async (db: Database) =>
  db.query<{ id: string; grid_code: string | null; lng: number | null; lat: number | null; fields: unknown }>(
    `select id, grid_code, lng, lat, fields from houses order by id`,
  )

forEachDatabase('grid assignment', (getDb, kind) => {
  let first: GridAssignment

  beforeAll(async () => {
    await seed(getDb())
  })

  it('does nothing while no grid file was imported', async () => {
    const before = await houseState(getDb())
    const r = await assign(getDb())
    expect(r).toMatchObject({ houses: 0, changed: 0, spatial: 'none' })
    expect(await houseState(getDb())).toEqual(before)
  })

  it('gives each house the grid of the finest rule that names it', async () => {
    first = await importFiles(
      getDb(),
      [
        csv('coverage.csv', [...COVERAGE, ['D-1', '颐和名苑', '9']]),
        geo('grids.geojson', POLYGONS),
        csv('points.csv', POINTS),
      ],
      { countUnplaced: true },
    )
    expect(await gridsOf(getDb(), 'houses')).toEqual({
      H1: 'B-1', // building beats site
      H2: 'A-1', // the site, through the compound alias
      H3: 'C-1', // the house itself beats its site
      H4: 'P-1', // in P and Q: the lower code
      H5: 'V5', // in P's hole: the matcher's grid stays
      H6: 'M-1', // in M's exclave
      H7: 'V7', // no place at all
      H8: null, // on P's edge: not inside
    })
    expect(first).toMatchObject({
      houses: 8,
      byRule: { house: 1, building: 1, site: 1, polygon: 2 },
      changed: 5,
      reverted: 0,
      conflicts: 0,
      unplaced: 1, // building 9, where no house is known
      spatial: kind === 'postgres' && getDb().capabilities.postgis ? 'postgis' : 'fallback',
    })
  })

  it('sets coordinates from the standard-address list on houses and their addresses', async () => {
    const located = await getDb().query<{
      id: string
      lng: number
      lat: number
      a_lng: number
      rule: string
    }>(
      `select h.id, h.lng, h.lat, a.lng as a_lng, h.fields->'lng'->>'rule' as rule
         from houses h join addresses a on a.id = h.address_id where h.lng is not null order by h.id`,
    )
    expect(located.map((r) => [r.id, Number(r.lng), Number(r.lat), Number(r.a_lng), r.rule])).toEqual([
      ['H1', 118.8, 32.1, 118.8, 'building'],
      ['H4', 118.702, 32.002, 118.702, 'site'],
      ['H5', 118.705, 32.005, 118.705, 'site'],
      ['H6', 118.905, 32.205, 118.905, 'building'],
      ['H8', 118.71, 32.005, 118.71, 'site'],
    ])
    expect(first.located).toBe(5)
  })

  it('keeps the matcher’s grid and provenance behind an assigned one', async () => {
    const [h1] = await getDb().query<{ fields: { gridCode: unknown } }>(
      `select fields from houses where id = 'H1'`,
    )
    expect(h1?.fields.gridCode).toEqual({
      source: 'grid-assignment',
      rule: 'building',
      matchedGrid: 'V0',
      matched: visit(1).gridCode,
    })
  })

  it('moves persons without a grid of their own, and units, with their house', async () => {
    expect(await gridsOf(getDb(), 'persons')).toEqual({ P1: 'B-1', P2: 'OWN', P3: 'V5', P4: 'A-1' })
    expect(await gridsOf(getDb(), 'units')).toEqual({ U1: 'P-1', U2: 'V7' })
    expect(first).toMatchObject({ persons: 3, units: 2 })
  })

  it('gives the same answer with the other point-in-polygon, and changes nothing run again', async () => {
    const before = await houseState(getDb())
    const postgis = getDb().capabilities.postgis
    for (const spatial of postgis ? (['fallback', 'postgis'] as const) : (['fallback'] as const)) {
      const again = await assign(getDb(), { spatial })
      expect(again).toMatchObject({ changed: 0, located: 0, persons: 0, units: 0, spatial })
      expect(again.byRule).toEqual(first.byRule)
      expect(await houseState(getDb())).toEqual(before)
    }
  })

  it('falls back to the matcher’s grid when a place leaves its grid’s coverage', async () => {
    // A-1 re-imported with another place: 颐和名苑 is no longer in it, H2 has no point
    const r = await importFiles(getDb(), [
      csv('a-again.csv', [
        ['网格编码', '小区/地址'],
        ['A-1', '应天大街9号'],
      ]),
    ])
    expect(r).toMatchObject({ changed: 1, reverted: 1 })
    const [h2] = await getDb().query<{ grid_code: string; fields: unknown }>(
      `select grid_code, fields from houses where id = 'H2'`,
    )
    expect(h2).toEqual({ grid_code: 'V0', fields: visit(2) })
    expect((await gridsOf(getDb(), 'persons')).P4).toBe('V0')
    // H3 had no grid of its own: its own row still covers it
    expect((await gridsOf(getDb(), 'houses')).H3).toBe('C-1')
  })

  it('counts a place two imports give to two grids, the latest winning', async () => {
    const r = await importFiles(getDb(), [
      csv('d.csv', [
        ['网格编码', '小区/地址'],
        ['D-1', '应天大街5号'],
        ['D-1', '颐和名苑'],
      ]),
    ])
    // 颐和名苑 and 应天大街5号 are one site: both rows name D-1, A-1 lost it before — no conflict
    expect(r.conflicts).toBe(0)
    const later = await importFiles(getDb(), [
      csv('a-3.csv', [
        ['网格编码', '小区/地址'],
        ['A-1', '应天大街5号颐和名苑'],
      ]),
    ])
    expect(later.conflicts).toBe(1)
    expect((await gridsOf(getDb(), 'houses')).H2).toBe('A-1')
  })

  it('looks only at the houses given in an incremental scope', async () => {
    await importFiles(
      getDb(),
      [
        csv('c.csv', [
          ['网格编码', '小区/地址', '楼栋'],
          ['C-1', '颐和名苑', '3'],
          ['C-1', '应天大街5号4栋302室', ''],
        ]),
      ],
      { houseIds: ['H2'] },
    )
    expect((await gridsOf(getDb(), 'houses')).H1).toBe('B-1')
    const r = await assign(getDb(), { houseIds: ['H1', 'H9'] })
    expect(r).toMatchObject({ houses: 1, changed: 1 })
    expect((await gridsOf(getDb(), 'houses')).H1).toBe('C-1')
    expect((await gridsOf(getDb(), 'persons')).P1).toBe('C-1')
    expect(await assign(getDb(), { houseIds: [] })).toMatchObject({ houses: 0 })
  })

  it('refuses a coverage list naming an unknown grid and writes nothing of the import', async () => {
    const before = {
      grids: await getDb().query(`select code from grids order by code`),
      coverage: await getDb().query(`select grid_code, level, key from grid_coverage order by id`),
      houses: await houseState(getDb()),
    }
    await expect(
      importFiles(getDb(), [
        geo(
          'new.geojson',
          JSON.stringify({
            type: 'FeatureCollection',
            features: [feature('N-1', { type: 'Polygon', coordinates: [square(1, 1, 2, 2)] })],
          }),
        ),
        csv('unknown.csv', [
          ['网格编码', '小区/地址'],
          ['B-1', '应天大街5号'],
          ['Z-9', '瑞金路6号'],
        ]),
      ]),
    ).rejects.toMatchObject({
      code: 'SANSHI212',
      message: /grid Z-9 is not known/,
      location: { file: 'unknown.csv', row: 3, column: '网格编码' },
    })
    expect({
      grids: await getDb().query(`select code from grids order by code`),
      coverage: await getDb().query(`select grid_code, level, key from grid_coverage order by id`),
      houses: await houseState(getDb()),
    }).toEqual(before)
  })

  it('creates a grid a coverage list names, and replaces a grid imported again', async () => {
    await importFiles(getDb(), [
      csv('named.csv', [
        ['网格编码', '网格名称', '社区', '网格员', '小区/地址'],
        ['Z-9', '新网格', '中牌楼社区', '王芳、李娜', '瑞金路99号'],
      ]),
      geo(
        'p-again.geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              ...feature('P-1', { type: 'Polygon', coordinates: [square(118.7, 32.0, 118.701, 32.001)] }),
              properties: { code: 'P-1', name: '新P' },
            },
          ],
        }),
      ),
    ])
    const grids = await getDb().query<{
      code: string
      name: string
      community_code: string
      workers: string[]
      max_lng: number
    }>(
      `select code, name, community_code, workers, max_lng from grids where code in ('Z-9', 'P-1') order by code`,
    )
    expect(
      grids.map((g) => [g.code, g.name, g.community_code, g.workers, g.max_lng && Number(g.max_lng)]),
    ).toEqual([
      ['P-1', '新P', null, [], 118.701],
      ['Z-9', '新网格', '320104001001', ['王芳', '李娜'], null],
    ])
    // H4's point is outside the new P: Q holds it now
    expect((await gridsOf(getDb(), 'houses')).H4).toBe('Q-1')
  })
})

describe('placeKey and its SQL', () => {
  const keys = [
    '320104|应天大街|5|3|1201',
    '320104|应天大街|5|3|',
    '320104|应天大街|5||',
    '320104|应天大街|5||1203',
    '320104|应天大街||3|301',
    '320104|应天大街|||',
    '320104|@颐和名苑|3|301',
    '320104|@颐和名苑||',
    '320104|@颐和名苑||301',
    '320104|#320104001',
    '?|长乐路|88-2||',
    '!17/house',
  ]
  const levels = ['site', 'building'] as const

  it.each([
    ['320104|应天大街|5|3|1201', 'site', '320104|应天大街|5'],
    ['320104|应天大街|5|3|1201', 'building', '320104|应天大街|5|3'],
    ['320104|应天大街|5|3|1201', 'house', '320104|应天大街|5|3|1201'],
    ['320104|应天大街|5||', 'building', null],
    ['320104|应天大街|||', 'site', null],
    ['320104|@颐和名苑|3|301', 'site', '320104|@颐和名苑'],
    ['320104|@颐和名苑|3|301', 'building', '320104|@颐和名苑|3'],
    ['320104|@颐和名苑||', 'building', null],
    ['320104|#320104001', 'house', null],
    ['!17/house', 'site', null],
  ] as const)('%s at %s → %s', (key, level, expected) => {
    expect(placeKey(key, level)).toBe(expected)
  })

  forEachDatabase('SQL twin', (getDb) => {
    it('cuts every key as placeKey does', async () => {
      const rows = await getDb().query<{ k: string; site: string | null; building: string | null }>(
        `select k, ${siteSql('k')} as site, ${buildingSql('k')} as building from unnest($1::text[]) as x(k)`,
        [keys],
      )
      for (const r of rows)
        for (const level of levels) expect(r[level], `${r.k} ${level}`).toBe(placeKey(r.k, level))
    })
  })
})
