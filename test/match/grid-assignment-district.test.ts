/**
 * A generated district end to end, on both databases: its department files ingested (the grid files
 * passed by), matched, its grid files imported; every house, person and unit then has the grid the
 * generator's world gave it — by point in polygon alone, by coverage alone, and through an
 * incremental match and a full re-match, which must agree with each other.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { allMappings } from '../../connectors/index.ts'
import { loadDivision } from '../../fixtures/generator/division.ts'
import { type FixtureManifest, generateFixtures } from '../../fixtures/generator/index.ts'
import { buildWorld, type World } from '../../fixtures/generator/world/index.ts'
import type { Database } from '../../src/db/index.ts'
import { type GridFile, readGridFile, storeGridFiles } from '../../src/ingest/grids/index.ts'
import { ingestPaths } from '../../src/ingest/index.ts'
import {
  assignGrids,
  type AssignOptions,
  type GridAssignment,
} from '../../src/match/grid-assignment/index.ts'
import { AddressCanon } from '../../src/match/houses.ts'
import { matchAll } from '../../src/match/run.ts'
import { forEachDatabase } from '../support/databases.ts'

const PERSONS = 1500
const SEED = 5
let dir: string
let manifest: FixtureManifest
let world: World
let truth: string[][]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sanshi-grid-district-'))
  manifest = await generateFixtures({ persons: PERSONS, seed: SEED, out: join(dir, 'all') })
  world = buildWorld(await loadDivision('320104'), SEED, PERSONS)
  truth = readFileSync(join(dir, 'all', 'truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
  // grid workers' visits come later, as a second delivery
  mkdirSync(join(dir, 'first'))
  mkdirSync(join(dir, 'visits'))
  for (const f of manifest.files)
    copyFileSync(join(dir, 'all', f.file), join(dir, f.source === 'grid.visit' ? 'visits' : 'first', f.file))
  for (const f of Object.values(manifest.grids)) copyFileSync(join(dir, 'all', f), join(dir, 'first', f))
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const gridFile = (name: keyof FixtureManifest['grids']) => join(dir, 'all', manifest.grids[name])

async function importGrids(db: Database, files: string[], opts: Partial<AssignOptions> = {}) {
  const read: GridFile[] = []
  for (const f of files) read.push(await readGridFile(f, '320104'))
  const canon = await AddressCanon.learn(db)
  return db.transaction(async (tx) => {
    await storeGridFiles(db, tx, read)
    return assignGrids(db, tx, { canon, ...opts })
  })
}

/** Per golden record, the grids its members' truth entities hold in the generator's world. */
async function truthGrids(db: Database): Promise<Map<string, Set<string>>> {
  const links = await db.query<{ k: string; g: string }>(
    `select s.source || '|' || s.record_id || '|' || l.role as k, l.golden_id as g
       from entity_links l join source_records s on s.id = l.source_record_id`,
  )
  const golden = new Map(links.map((r) => [r.k, r.g]))
  const houseGrid = (houseIdx: number) => world.grids[world.houses[houseIdx]?.gridIdx ?? -1]?.code ?? '?'
  const index = (id: string) => Number(id.slice(1)) - 1
  const out = new Map<string, Set<string>>()
  for (const [source, record, role, type, id] of truth) {
    const g = golden.get(`${source}|${record}|${role}`)
    if (!g || !id) continue
    const grid =
      type === 'house'
        ? houseGrid(index(id))
        : houseGrid((type === 'person' ? world.persons : world.units)[index(id)]?.houseIdx ?? -1)
    const s = out.get(g) ?? new Set<string>()
    s.add(grid)
    out.set(g, s)
  }
  return out
}

interface Score {
  right: number
  wrong: number
  none: number
}

async function score(db: Database, table: string, want: Map<string, Set<string>>): Promise<Score> {
  const s: Score = { right: 0, wrong: 0, none: 0 }
  for (const r of await db.query<{ id: string; grid_code: string | null }>(
    `select id, grid_code from ${table}`,
  )) {
    const w = want.get(r.id)
    if (!w || w.size !== 1) continue // a golden record that merged two truth entities says nothing here
    if (r.grid_code === null) s.none++
    else if (w.has(r.grid_code)) s.right++
    else s.wrong++
  }
  return s
}

const houseGrids = async (db: Database) =>
  new Map(
    (await db.query<{ id: string; grid_code: string | null }>(`select id, grid_code from houses`)).map(
      (r) => [r.id, r.grid_code],
    ),
  )

const ingest = (db: Database, path: string) =>
  ingestPaths(db, [path], { mappings: allMappings(), defaultDistrict: '320104', maxRefusedShare: 0.5 })

forEachDatabase('grids of a generated district', (getDb, kind) => {
  let byPolygon: Map<string, string | null>
  let located: GridAssignment

  it('ingests the department files and passes the grid files by', async () => {
    const outcomes = await ingest(getDb(), join(dir, 'first'))
    const skipped = outcomes.filter((o) => o.skipped).map((o) => o.file.slice(o.file.lastIndexOf('/') + 1))
    expect(skipped.sort()).toEqual([manifest.grids.addresses, manifest.grids.coverage].sort())
    expect(outcomes.filter((o) => o.error)).toEqual([])
    await matchAll(getDb())
  }, 120_000)

  it('puts every house in its grid by point in polygon alone', async () => {
    located = await importGrids(getDb(), [gridFile('polygons'), gridFile('addresses')])
    const houses = (await getDb().query<{ n: number }>(`select count(*)::int as n from houses`))[0]?.n ?? 0
    expect(located.located).toBeGreaterThan(houses * 0.97)
    expect(located.byRule.polygon).toBe(located.located)
    const s = await score(getDb(), 'houses', await truthGrids(getDb()))
    // the few unlocated houses are those whose address named no building the list knows
    expect(s.wrong).toBe(0)
    expect(s.right).toBeGreaterThan((s.right + s.none) * 0.97)
    byPolygon = await houseGrids(getDb())
  })

  it('gives the same answer with PostGIS and with the fallback', async () => {
    const spatials = getDb().capabilities.postgis
      ? (['postgis', 'fallback'] as const)
      : (['fallback'] as const)
    if (kind === 'postgres') expect(spatials).toContain('postgis')
    for (const spatial of spatials) {
      const again = await importGrids(getDb(), [], { spatial })
      expect(again).toMatchObject({ spatial, changed: 0, byRule: located.byRule })
      expect(await houseGrids(getDb())).toEqual(byPolygon)
    }
  })

  it('gives every house the same grid by its coverage list', async () => {
    const r = await importGrids(getDb(), [gridFile('coverage')])
    expect(r.byRule.polygon).toBeLessThan(located.byRule.polygon * 0.03)
    expect(r.byRule.building + r.byRule.site).toBeGreaterThan(located.byRule.polygon * 0.97)
    const now = await houseGrids(getDb())
    const differ = [...now].filter(([id, g]) => byPolygon.get(id) !== null && byPolygon.get(id) !== g)
    expect(differ).toEqual([])
    const s = await score(getDb(), 'houses', await truthGrids(getDb()))
    expect(s.wrong).toBe(0)
    expect(s.none).toBeLessThan(s.right * 0.01)
  })

  it('puts persons and units in their house’s grid', async () => {
    const want = await truthGrids(getDb())
    const persons = await score(getDb(), 'persons', want)
    const units = await score(getDb(), 'units', want)
    // the rest are persons the matcher put in another dwelling than the truth's
    expect(persons.right).toBeGreaterThan((persons.right + persons.wrong + persons.none) * 0.97)
    expect(units.right).toBeGreaterThan((units.right + units.wrong + units.none) * 0.97)
    const [astray] = await getDb().query<{ n: number }>(
      `select count(*)::int as n from persons p join houses h on h.id = p.house_id
        where not (p.provenance ? 'gridCode') and p.grid_code is distinct from h.grid_code`,
    )
    const [unitsAstray] = await getDb().query<{ n: number }>(
      `select count(*)::int as n from units u join houses h on h.id = u.house_id where u.grid_code is distinct from h.grid_code`,
    )
    expect([astray?.n, unitsAstray?.n]).toEqual([0, 0])
  })

  it('keeps the grids through an incremental match, as a full re-match gives them', async () => {
    await ingest(getDb(), join(dir, 'visits'))
    const incremental = await matchAll(getDb())
    expect(incremental.mode).toBe('incremental')
    expect(incremental.seconds.writeSteps.grids).toBeGreaterThan(0)
    const afterIncremental = await houseGrids(getDb())
    const s = await score(getDb(), 'houses', await truthGrids(getDb()))
    expect(s.wrong).toBe(0)
    const state = async () =>
      getDb().query(
        `select 'p' || id || ':' || coalesce(grid_code, '') as t from persons
         union all select 'u' || id || ':' || coalesce(grid_code, '') from units order by 1`,
      )
    const before = await state()
    await matchAll(getDb(), { full: true })
    expect(await houseGrids(getDb())).toEqual(afterIncremental)
    expect(await state()).toEqual(before)
  }, 120_000)
})
