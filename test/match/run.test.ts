/**
 * The matcher end to end on both databases: a synthetic district ingested, matched, scored against its
 * truth; incremental batches against a full rebuild; steward decisions; stable ids and redirects.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { allMappings } from '../../connectors/index.ts'
import { type FixtureManifest, generateFixtures } from '../../fixtures/generator/index.ts'
import type { Database } from '../../src/db/index.ts'
import { ingestPaths } from '../../src/ingest/index.ts'
import { type EntityType, evaluate, type LinkRow } from '../../src/match/evaluate.ts'
import { explainGolden, explainPair } from '../../src/match/explain.ts'
import { readHubLinks } from '../../src/match/links.ts'
import { matchAll } from '../../src/match/run.ts'
import { loadSettings } from '../../src/match/settings.ts'
import { forEachDatabase } from '../support/databases.ts'

let dir: string
let manifest: FixtureManifest
let truth: LinkRow[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sanshi-match-'))
  manifest = await generateFixtures({ persons: 2500, seed: 21, out: join(dir, 'all') })
  truth = readFileSync(join(dir, 'all', 'truth.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [source, recordId, role, entityType, entityId] = line.split(',') as string[]
      return { source, recordId, role, entityType: entityType as EntityType, entityId } as LinkRow
    })
  // the district in three deliveries, as departments send them over a month
  const parts = [
    ['police.hukou', 'market.entity', 'police.rental'],
    ['police.floating', 'urban.shopfront', 'civil.socialorg'],
    ['civil.assistance', 'grid.visit'],
  ]
  parts.forEach((sources, k) => {
    mkdirSync(join(dir, `part${k}`))
    for (const f of manifest.files)
      if (sources.includes(f.source)) copyFileSync(join(dir, 'all', f.file), join(dir, `part${k}`, f.file))
  })
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const ingest = (db: Database, path: string) =>
  ingestPaths(db, [path], { mappings: allMappings(), defaultDistrict: '320104', maxRefusedShare: 0.5 })

const hubLinks = async (db: Database): Promise<LinkRow[]> => {
  const out: LinkRow[] = []
  for await (const l of readHubLinks(db)) out.push(l)
  return out
}

/** mention → golden id, for comparing two runs exactly (partition and ids). */
/** A department sends one of its records again, some cells changed: a one-row CSV ingested; returns rows updated. */
const sendAgain = async (
  db: Database,
  source: string,
  raw: Record<string, string>,
  cell: (header: string, value: string) => string,
): Promise<number | undefined> => {
  const header = Object.keys(raw)
  const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)
  const file = join(dir, `${source}.update.csv`)
  writeFileSync(file, `${header.join(',')}\n${header.map((h) => quote(cell(h, raw[h] ?? ''))).join(',')}\n`)
  const [outcome] = await ingestPaths(db, [file], {
    mappings: allMappings(),
    defaultDistrict: '320104',
    maxRefusedShare: 0.5,
    source,
  })
  return outcome?.summary?.updated
}

/** Each mention's link: golden id, how it was linked and with what probability. */
const linkMap = async (db: Database) =>
  new Map(
    (
      await db.query<{ k: string; g: string }>(
        `select entity_type || ':' || source_record_id || '/' || role as k,
                concat_ws('|', golden_id, method, round(probability::numeric, 9), model_version) as g
           from entity_links`,
      )
    ).map((r) => [r.k, r.g]),
  )

/** Golden rows and distinct relations, as comparable text (timestamps and row ids left out). */
const goldenState = async (db: Database) => {
  const rows = async (sql: string) => (await db.query<{ t: string }>(sql)).map((r) => r.t)
  return {
    persons: await rows(
      `select concat_ws('|', id, id_number, name, gender, birth_date, array_to_string(phones, ','), category,
              array_to_string(assistance, ','), house_id, grid_code) as t from persons order by 1`,
    ),
    houses: await rows(
      `select concat_ws('|', id, key, partial, usage, owner_person_id, grid_code) as t from houses order by 1`,
    ),
    units: await rows(
      `select concat_ws('|', id, credit_code, name, array_to_string(sign_names, ','), kind, status, legal_rep_person_id, house_id) as t
         from units order by 1`,
    ),
    personHouses: await rows(
      `select distinct concat_ws('|', person_id, house_id, relation) as t from person_houses order by 1`,
    ),
    personUnits: await rows(
      `select distinct concat_ws('|', person_id, unit_id, relation) as t from person_units order by 1`,
    ),
    unitHouses: await rows(
      `select distinct concat_ws('|', unit_id, house_id, relation) as t from unit_houses order by 1`,
    ),
  }
}

forEachDatabase('match a district', (getDb) => {
  it('resolves persons, houses and units close to the truth', async () => {
    const db = getDb()
    await ingest(db, join(dir, 'all'))
    const summary = await matchAll(db)
    expect(summary.mode).toBe('full')
    const scores = evaluate(truth, await hubLinks(db))
    // a small district trains on few pairs; the figures on 20,000 persons are in docs/benchmarks.md
    expect(scores.person.pairwise.precision).toBeGreaterThanOrEqual(0.995)
    expect(scores.person.pairwise.f1).toBeGreaterThanOrEqual(0.98)
    expect(scores.house.pairwise.f1).toBeGreaterThanOrEqual(0.97)
    expect(scores.unit.pairwise.f1).toBeGreaterThanOrEqual(0.9)
    expect(scores.person.unlinked).toBe(0)

    // golden records and relations exist for what was linked
    const [n] = await db.query<Record<string, number>>(
      `select (select count(*)::int from persons) p, (select count(distinct golden_id)::int from entity_links where entity_type = 'person') lp,
              (select count(*)::int from houses) h, (select count(*)::int from units) u,
              (select count(*)::int from person_houses) ph, (select count(*)::int from person_units) pu,
              (select count(*)::int from unit_houses) uh, (select count(*)::int from persons where provenance = '{}'::jsonb) bare`,
    )
    expect(n?.p).toBe(n?.lp)
    expect(n?.p).toBe(summary.person.clusters)
    expect(n?.h).toBe(summary.house.clusters)
    expect(n?.u).toBe(summary.unit.clusters)
    expect(n?.ph).toBeGreaterThan(0)
    expect(n?.pu).toBeGreaterThan(0)
    expect(n?.uh).toBeGreaterThan(0)
    expect(n?.bare).toBe(0)
  })

  it('keeps every golden id on a second full run, and explains what it linked', async () => {
    const db = getDb()
    const before = await linkMap(db)
    await matchAll(db, { full: true })
    expect(await linkMap(db)).toEqual(before)

    const [g] = await db.query<{ golden_id: string }>(
      `select golden_id from entity_links where entity_type = 'person' group by 1 order by count(*) desc, 1 limit 1`,
    )
    const e = await explainGolden(db, 'person', g!.golden_id)
    expect(e.members.length).toBeGreaterThan(1)
    expect(e.provenance.name?.source).toBeDefined()
    const [a, b] = e.members
    const pair = await explainPair(
      db,
      `${a!.source}:${a!.recordId}/${a!.role}`,
      `${b!.source}:${b!.recordId}/${b!.role}`,
    )
    expect(pair.now.left).toBe(g!.golden_id)
    expect(pair.now.right).toBe(g!.golden_id)
    // the weights and the prior add up to the score
    expect(pair.prior + pair.terms.reduce((s, t) => s + t.weight, 0)).toBeCloseTo(pair.weight, 9)
  })

  it('follows a steward: cannot-link splits with lineage, must-link merges with a redirect', async () => {
    const db = getDb()
    const [g] = await db.query<{ golden_id: string }>(
      `select golden_id from entity_links where entity_type = 'person' and method = 'model'
        group by 1 having count(*) = 2 order by 1 limit 1`,
    )
    const members = await db.query<{ id: string; role: string }>(
      `select source_record_id as id, role from entity_links where golden_id = $1 order by source_record_id, role`,
      [g!.golden_id],
    )
    const [x, y] = members
    await db.query(
      `insert into match_edges (entity_type, left_source_record_id, left_role, right_source_record_id, right_role, judgement, who, source)
       values ('person', $1, $2, $3, $4, 'negative', 'test steward', 'steward')`,
      [x!.id, x!.role, y!.id, y!.role],
    )
    await matchAll(db, { full: true })
    const after = await db.query<{ golden_id: string }>(
      `select golden_id from entity_links where (source_record_id, role) in (($1::bigint, $2), ($3::bigint, $4))`,
      [x!.id, x!.role, y!.id, y!.role],
    )
    expect(new Set(after.map((r) => r.golden_id)).size).toBe(2)
    expect(after.map((r) => r.golden_id)).toContain(g!.golden_id)
    const [split] = await db.query<{ n: number }>(
      `select count(*)::int as n from golden_lineage where parent_id = $1 and event = 'split'`,
      [g!.golden_id],
    )
    expect(split?.n).toBe(1)

    // and back: a must-link (later than the cannot-link) joins them again; the split-off id redirects
    const other = after.map((r) => r.golden_id).find((id) => id !== g!.golden_id) as string
    await db.query(
      `insert into match_edges (entity_type, left_source_record_id, left_role, right_source_record_id, right_role, judgement, who, source, decided_at)
       values ('person', $1, $2, $3, $4, 'positive', 'test steward', 'steward', now() + interval '1 second')`,
      [x!.id, x!.role, y!.id, y!.role],
    )
    await matchAll(db, { full: true })
    const joined = await db.query<{ golden_id: string; method: string }>(
      `select golden_id, method from entity_links where (source_record_id, role) in (($1::bigint, $2), ($3::bigint, $4))`,
      [x!.id, x!.role, y!.id, y!.role],
    )
    expect(joined.map((r) => r.golden_id)).toEqual([g!.golden_id, g!.golden_id])
    expect(joined.map((r) => r.method)).toEqual(['steward', 'steward'])
    const e = await explainGolden(db, 'person', other)
    expect(e.redirectedFrom).toBe(other)
    expect(e.id).toBe(g!.golden_id)
  })
})

forEachDatabase('match in deliveries', (getDb) => {
  it('resolves each delivery incrementally to exactly what a full rebuild gives', async () => {
    const db = getDb()
    await ingest(db, join(dir, 'part0'))
    expect((await matchAll(db)).mode).toBe('full') // nothing matched yet: the first run is full and trains
    for (const k of [1, 2]) {
      await ingest(db, join(dir, `part${k}`))
      const s = await matchAll(db)
      expect(s.mode).toBe('incremental')
      expect(s.changed).toBeGreaterThan(0)
    }
    const incremental = await linkMap(db)
    const goldenIncremental = await goldenState(db)
    const [counts] = await db.query<Record<string, number>>(
      `select (select count(*)::int from persons) p, (select count(*)::int from houses) h, (select count(*)::int from units) u`,
    )
    await matchAll(db, { full: true })
    expect(await linkMap(db)).toEqual(incremental)
    const [full] = await db.query<Record<string, number>>(
      `select (select count(*)::int from persons) p, (select count(*)::int from houses) h, (select count(*)::int from units) u`,
    )
    expect(full).toEqual(counts)
    // the golden rows and the relations too, field by field
    expect(await goldenState(db)).toEqual(goldenIncremental)
  })

  it('does nothing when nothing changed, and re-resolves a record rewritten since', async () => {
    const db = getDb()
    const before = await linkMap(db)
    const idle = await matchAll(db)
    expect(idle.mode).toBe('incremental')
    expect(idle.changed).toBe(0)
    // next month's export rewrites one resident's record (a new phone): that record alone is resolved again
    const [rec] = await db.query<{ id: string; raw: Record<string, string> }>(
      `select id, raw from source_records where source = 'police.hukou' order by id limit 1`,
    )
    const phoneColumns = ['联系电话', '手机号码', '电话']
    expect(
      await sendAgain(db, 'police.hukou', rec!.raw, (h, v) => (phoneColumns.includes(h) ? '13900001111' : v)),
    ).toBe(1)
    const again = await matchAll(db)
    expect(again.changed).toBe(2) // its person and its house
    expect(await linkMap(db)).toEqual(before)
    const [person] = await db.query<{ phones: string[] }>(
      `select p.phones from persons p join entity_links l on l.golden_id = p.id
        where l.source_record_id = $1 and l.role = 'person'`,
      [rec!.id],
    )
    expect(person?.phones).toContain('13900001111')
    expect((await matchAll(db)).changed).toBe(0)

    // a rental row sent again without its tenant: the record's tenant mention and its link are gone,
    // the owner's stays as it was
    const [rental] = await db.query<{ id: string; raw: Record<string, string> }>(
      `select r.id, r.raw from source_records r join entity_links l on l.source_record_id = r.id
        where r.source = 'police.rental' and l.role = 'tenant' order by r.id limit 1`,
    )
    const [owner] = await db.query<{ golden_id: string }>(
      `select golden_id from entity_links where source_record_id = $1 and role = 'owner'`,
      [rental!.id],
    )
    const tenantColumns = ['承租人姓名', '承租人身份证号', '承租人证件号码', '承租人电话']
    expect(
      await sendAgain(db, 'police.rental', rental!.raw, (h, v) => (tenantColumns.includes(h) ? '' : v)),
    ).toBe(1)
    await matchAll(db)
    const links = await db.query<{ role: string; golden_id: string }>(
      `select role, golden_id from entity_links where source_record_id = $1 and entity_type = 'person'`,
      [rental!.id],
    )
    expect(links).toEqual([{ role: 'owner', golden_id: owner!.golden_id }])

    // and again without anyone: no person link, relation or golden person is left of it, and a full
    // rebuild agrees with what the incremental run left
    const ownerColumns = [
      '房主姓名',
      '出租人姓名',
      '房主身份证号',
      '出租人证件号码',
      '房主电话',
      '出租人联系电话',
    ]
    const nobody = [...tenantColumns, ...ownerColumns]
    expect(await sendAgain(db, 'police.rental', rental!.raw, (h, v) => (nobody.includes(h) ? '' : v))).toBe(1)
    await matchAll(db)
    const [left] = await db.query<{ links: number; relations: number }>(
      `select (select count(*)::int from entity_links where source_record_id = $1 and entity_type = 'person') links,
              (select count(*)::int from person_houses where source_record_id = $1) relations`,
      [rental!.id],
    )
    expect(left).toEqual({ links: 0, relations: 0 })
    const incrementalLinks = await linkMap(db)
    const incrementalGolden = await goldenState(db)
    await matchAll(db, { full: true })
    expect(await linkMap(db)).toEqual(incrementalLinks)
    expect(await goldenState(db)).toEqual(incrementalGolden)

    // other settings: the active models were not trained on them, so the next run is full and trains
    const settings = loadSettings()
    settings.person.thresholds.review = 0.95
    const changed = await matchAll(db, { settings })
    expect(changed.mode).toBe('full')
    expect(changed.person.modelVersion).not.toBe(again.person.modelVersion)
    expect((await matchAll(db, { settings })).mode).toBe('incremental')
  })
})
