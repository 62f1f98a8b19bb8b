/**
 * Golden records and relations, derived from the resolved mentions: one row per golden house, unit
 * and person with each field chosen by survivorship (and its provenance), then the relations the
 * source records state, re-pointed to golden ids. A full match rewrites them whole; ids are stable
 * because golden-ids.ts kept them, so clients holding an id still find it.
 */
import { replaceChanged, withoutIndexes } from '../db/bulk.ts'
import type { CopyRows, Database, Tx } from '../db/types.ts'
import { pinyinKey } from '../normalize/pinyin.ts'
import type { HouseRecord } from './houses.ts'
import type { PersonRecord } from './persons.ts'
import type { Resolved } from './run.ts'
import type { HouseMember, PersonMember, Survivorship, UnitMember } from './survivorship/index.ts'
import type { UnitRecord } from './units.ts'

export interface GoldenWorld {
  house: Resolved<HouseRecord>
  unit: Resolved<UnitRecord>
  person: Resolved<PersonRecord>
}

/** A full match rewrites every golden row; an incremental one only those of its neighbourhood. */
export type GoldenScope =
  | { kind: 'full' }
  | {
      kind: 'partial'
      /** Source records resolved, per entity type. */
      records: Record<'house' | 'unit' | 'person', number[]>
      /** Golden ids the neighbourhood holds now or held before (merged away): their rows are replaced. */
      ids: Record<'house' | 'unit' | 'person', string[]>
    }

/** Rows a partial write deleted and inserted, by table; the rest of its scope was left as it was. */
export type Written = Record<string, { deleted: number; inserted: number }>

/** Times a named part of the write (the run's summary adds them up by name). */
export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>

export interface GoldenCounts {
  persons: number
  houses: number
  units: number
  personHouses: number
  personUnits: number
  unitHouses: number
}

/** Golden id of each mention, by `sourceRecordId/role`, and of each house by canonical key. */
class Index {
  readonly byRef: Map<string, string>
  readonly houseByKey = new Map<string, string>()
  readonly houseGrid = new Map<string, string>()

  constructor(
    w: GoldenWorld,
    known: Map<string, string> = new Map(),
    houses: { key: string; id: string; grid: string | null }[] = [],
  ) {
    this.byRef = known
    for (const h of houses) {
      this.houseByKey.set(h.key, h.id)
      if (h.grid) this.houseGrid.set(h.id, h.grid)
    }
    for (const r of [w.house, w.unit, w.person] as Resolved<{ sourceRecordId: number; role: string }>[])
      r.groups.forEach((g, c) => {
        for (const i of g) {
          const m = r.records[i] as { sourceRecordId: number; role: string }
          this.byRef.set(`${m.sourceRecordId}/${m.role}`, r.ids.ids[c] as string)
        }
      })
    w.house.groups.forEach((g, c) => {
      const first = w.house.records[g[0] as number] as HouseRecord
      this.houseByKey.set(first.key, w.house.ids.ids[c] as string)
    })
  }

  id(sourceRecordId: number, role: string): string | null {
    return this.byRef.get(`${sourceRecordId}/${role}`) ?? null
  }

  house(key: string | null): string | null {
    return key === null ? null : (this.houseByKey.get(key) ?? null)
  }
}

const PERSON_COLUMNS = [
  'id',
  'id_number',
  'name',
  'name_pinyin',
  'gender',
  'birth_date',
  'ethnicity',
  'phones',
  'hukou_address',
  'category',
  'assistance',
  'house_id',
  'grid_code',
  'provenance',
]
const HOUSE_COLUMNS = [
  'id',
  'address_id',
  'key',
  'partial',
  'usage',
  'owner_person_id',
  'grid_code',
  'lng',
  'lat',
  'fields',
]
const ADDRESS_COLUMNS = [
  'id',
  'division_code',
  'road',
  'number',
  'compound',
  'building',
  'unit',
  'floor',
  'room',
  'key',
  'lng',
  'lat',
]
const UNIT_COLUMNS = [
  'id',
  'credit_code',
  'name',
  'sign_names',
  'kind',
  'status',
  'legal_rep_person_id',
  'house_id',
  'industry',
  'grid_code',
  'provenance',
]

const GOLDEN_TABLES = [
  'person_houses',
  'person_units',
  'unit_houses',
  'persons',
  'units',
  'houses',
  'addresses',
]

export async function writeGolden(
  db: Database,
  tx: Tx,
  w: GoldenWorld,
  survivorship: Survivorship,
  scope: GoldenScope = { kind: 'full' },
  opts: { step?: Step; written?: Written } = {},
): Promise<GoldenCounts> {
  const step: Step = opts.step ?? ((_name, fn) => fn())
  if (scope.kind === 'partial') {
    const index = await step('golden.index', () => partialIndex(tx, w, scope))
    const written = opts.written ?? {}
    // only the rows that differ from what is stored are written: most a batch touches only gain a
    // member whose values lose to the others'
    const put: Put = (table, columns, rows, key, where, params) =>
      step(`golden.${table}`, async () => {
        const n = await replaceChanged(db, tx, { table, columns, key, scope: where, params }, rows)
        const had = written[table] ?? { deleted: 0, inserted: 0 }
        written[table] = { deleted: had.deleted + n.deleted, inserted: had.inserted + n.inserted }
      })
    return writeRows(db, tx, w, survivorship, index, { put, scope, step })
  }
  await tx.exec(`truncate ${GOLDEN_TABLES.join(', ')} restart identity`)
  // rewritten whole: indexes are built once after the load, not maintained row by row
  const put: Put = async (table, columns, rows) => {
    await db.copyInto(tx, table, columns, rows)
  }
  return withoutIndexes(tx, GOLDEN_TABLES, () =>
    writeRows(db, tx, w, survivorship, new Index(w), { put, scope: null, step }),
  )
}

/** Writes one table's rows: all of them (full), or replacing the stored rows `where` selects (partial). */
type Put = (
  table: string,
  columns: string[],
  rows: CopyRows,
  key: string[],
  where: string,
  params: unknown[],
) => Promise<void>

async function writeRows(
  db: Database,
  tx: Tx,
  w: GoldenWorld,
  survivorship: Survivorship,
  index: Index,
  how: { put: Put; scope: Extract<GoldenScope, { kind: 'partial' }> | null; step: Step },
): Promise<GoldenCounts> {
  const { put, scope, step } = how
  const houseRows: unknown[][] = []
  const addressRows: unknown[][] = []
  const gridMoved: string[] = [] // houses whose grid is not what it was: who lives there follows
  w.house.groups.forEach((g, c) => {
    const id = w.house.ids.ids[c] as string
    const members = g.map((i) => houseMember(w.house.records[i] as HouseRecord, index))
    const golden = survivorship.house(members)
    const first = w.house.records[g[0] as number] as HouseRecord
    const addressId = addressRows.length + 1
    const a = golden.address
    addressRows.push([
      addressId,
      a?.divisionCode ?? null,
      a?.road ?? null,
      a?.number ?? null,
      a?.compound ?? null,
      a?.building ?? null,
      a?.unit ?? null,
      a?.floor ?? null,
      a?.room ?? null,
      first.key,
      golden.lng,
      golden.lat,
    ])
    if ((index.houseGrid.get(id) ?? null) !== golden.gridCode) gridMoved.push(id)
    if (golden.gridCode) index.houseGrid.set(id, golden.gridCode)
    else index.houseGrid.delete(id)
    houseRows.push([
      id,
      addressId,
      first.key,
      first.partial,
      golden.usage,
      golden.ownerPersonId,
      golden.gridCode,
      golden.lng,
      golden.lat,
      golden.provenance,
    ])
  })
  const ids = { where: `s.id = any($1::text[])` }
  if (scope) {
    const stored = await step('golden.addresses', () => upsertAddresses(tx, addressRows))
    for (const row of houseRows) row[1] = stored.get(row[2] as string) ?? null
  } else {
    await db.copyInto(tx, 'addresses', ADDRESS_COLUMNS, addressRows)
    await tx.query(`select setval(pg_get_serial_sequence('addresses', 'id'), greatest($1::bigint, 1))`, [
      addressRows.length,
    ])
  }
  await put('houses', HOUSE_COLUMNS, houseRows, ['id'], ids.where, [scope?.ids.house])

  const units = w.unit.groups.map((g, c) => {
    const golden = survivorship.unit(g.map((i) => unitMember(w.unit.records[i] as UnitRecord, index)))
    return [
      w.unit.ids.ids[c],
      golden.creditCode,
      golden.name,
      golden.signNames,
      golden.kind,
      golden.status,
      golden.legalRepPersonId,
      golden.houseId,
      golden.industry,
      golden.gridCode,
      golden.provenance,
    ]
  })
  await put('units', UNIT_COLUMNS, units, ['id'], ids.where, [scope?.ids.unit])
  await put('persons', PERSON_COLUMNS, personRows(w, index, survivorship), ['id'], ids.where, [
    scope?.ids.person,
  ])

  // a relation row is found by the source record that states it
  const rel = relations(w, index)
  const stated = `s.source_record_id = any($1::bigint[])`
  const personRecords = [scope?.records.person.map(String)]
  await put(
    'person_houses',
    RELATION_COLUMNS.person_houses,
    rel.personHouses,
    RELATION_KEY,
    stated,
    personRecords,
  )
  await put(
    'person_units',
    RELATION_COLUMNS.person_units,
    rel.personUnits,
    RELATION_KEY,
    stated,
    personRecords,
  )
  await put('unit_houses', RELATION_COLUMNS.unit_houses, rel.unitHouses, RELATION_KEY, stated, [
    scope?.records.unit.map(String),
  ])
  if (scope)
    await step('golden.follow', async () => {
      await followRedirects(tx, w)
      await followHouseGrids(tx, gridMoved)
    })
  return {
    persons: w.person.groups.length,
    houses: houseRows.length,
    units: units.length,
    personHouses: rel.personHouses.length,
    personUnits: rel.personUnits.length,
    unitHouses: rel.unitHouses.length,
  }
}

const RELATION_COLUMNS = {
  person_houses: ['person_id', 'house_id', 'relation', 'source_record_id'],
  person_units: ['person_id', 'unit_id', 'relation', 'source_record_id'],
  unit_houses: ['unit_id', 'house_id', 'relation', 'source_record_id'],
}
const RELATION_KEY = ['source_record_id']

function* personRows(w: GoldenWorld, index: Index, survivorship: Survivorship): Generator<unknown[]> {
  for (let c = 0; c < w.person.groups.length; c++) {
    const g = w.person.groups[c] as number[]
    const golden = survivorship.person(g.map((i) => personMember(w.person.records[i] as PersonRecord, index)))
    // a person without a grid of their own is in the grid of the house they live in
    const grid = golden.gridCode ?? (golden.houseId ? (index.houseGrid.get(golden.houseId) ?? null) : null)
    yield [
      w.person.ids.ids[c],
      golden.idNumber,
      golden.name,
      golden.name === null ? null : pinyinKey(golden.name), // for same-sound lookups (API)
      golden.gender,
      golden.birthDate,
      golden.ethnicity,
      golden.phones,
      golden.hukouAddress,
      golden.category,
      golden.assistance,
      golden.houseId,
      grid,
      golden.provenance,
    ]
  }
}

function houseMember(r: HouseRecord, index: Index): HouseMember {
  return {
    sourceRecordId: r.sourceRecordId,
    source: r.source,
    role: r.role,
    seenAt: r.seenAt,
    ...r.parts,
    divisionCode: r.divisionCode,
    communityCode: r.communityCode,
    usage: r.usage,
    gridCode: r.gridCode,
    lng: r.lng,
    lat: r.lat,
    ownerPersonId: index.id(r.sourceRecordId, 'owner'),
  }
}

function unitMember(r: UnitRecord, index: Index): UnitMember {
  const houseId = index.house(r.premises)
  return {
    sourceRecordId: r.sourceRecordId,
    source: r.source,
    role: r.role,
    seenAt: r.seenAt,
    creditCode: r.creditCode,
    creditValid: r.creditValid,
    regNo: r.regNo,
    name: r.name,
    signName: r.signName,
    kind: r.kind,
    legalForm: r.legalForm,
    status: r.status,
    industry: r.industry,
    phones: r.phones,
    addressKey: r.premises,
    addressBuildingKey: r.building,
    established: null,
    houseId,
    legalRepPersonId: index.id(r.sourceRecordId, 'legal_rep') ?? index.id(r.sourceRecordId, 'operator'),
    gridCode: houseId ? (index.houseGrid.get(houseId) ?? null) : null,
  }
}

/** The record itself, with its golden house: no copy of a million records. */
function personMember(r: PersonRecord, index: Index): PersonMember {
  r.houseId = index.house(r.addressKey)
  return r
}

/** The relations each source record states, once per (from, to, kind). */
function relations(w: GoldenWorld, index: Index) {
  const seen = new Set<string>()
  const personHouses: unknown[][] = []
  const personUnits: unknown[][] = []
  const unitHouses: unknown[][] = []
  const add = (out: unknown[][], from: string | null, to: string | null, kind: string, record: number) => {
    if (from === null || to === null) return
    const k = `${from}|${to}|${kind}`
    if (seen.has(k)) return
    seen.add(k)
    out.push([from, to, kind, record])
  }
  w.person.groups.forEach((g, c) => {
    const personId = w.person.ids.ids[c] as string
    for (const i of g) {
      const r = w.person.records[i] as PersonRecord
      if (r.role === 'owner')
        add(personHouses, personId, index.id(r.sourceRecordId, 'house'), 'owner', r.sourceRecordId)
      else if (r.role === 'legal_rep' || r.role === 'operator')
        add(personUnits, personId, index.id(r.sourceRecordId, 'unit'), r.role, r.sourceRecordId)
      else {
        const kind = r.role === 'tenant' ? 'tenant' : 'resident'
        add(personHouses, personId, index.house(r.addressKey), kind, r.sourceRecordId)
        add(personUnits, personId, index.id(r.sourceRecordId, 'employer'), 'employee', r.sourceRecordId)
      }
    }
  })
  w.unit.groups.forEach((g, c) => {
    const unitId = w.unit.ids.ids[c] as string
    for (const i of g) {
      const r = w.unit.records[i] as UnitRecord
      if (r.role === 'unit') add(unitHouses, unitId, index.house(r.premises), 'premises', r.sourceRecordId)
    }
  })
  return { personHouses, personUnits, unitHouses }
}

const chunks = <T>(xs: readonly T[], size = 20_000): T[][] => {
  const out: T[][] = []
  for (let k = 0; k < xs.length; k += size) out.push(xs.slice(k, k + size))
  return out
}

/** What the rewritten rows refer to: golden ids of their records' other roles, and houses by key. */
async function partialIndex(
  tx: Tx,
  w: GoldenWorld,
  scope: Extract<GoldenScope, { kind: 'partial' }>,
): Promise<Index> {
  const known = new Map<string, string>()
  // the links of other types the rows need (a house's owner, a unit's legal rep, a person's house, unit
  // or employer): their own type's links come from the world, and are not read
  const wanted: [number[], string[]][] = [
    [scope.records.house, ['owner']],
    [scope.records.unit, ['legal_rep', 'operator']],
    [scope.records.person, ['house', 'unit', 'employer']],
  ]
  for (const [records, roles] of wanted)
    for (const ids of chunks(records)) {
      const rows = await tx.query<{ source_record_id: string; role: string; golden_id: string }>(
        `select source_record_id, role, golden_id from entity_links
          where source_record_id = any($1::bigint[]) and role = any($2::text[])`,
        [ids.map(String), roles],
      )
      for (const r of rows) known.set(`${r.source_record_id}/${r.role}`, r.golden_id)
    }
  // the houses at the keys the rows name, and those being rewritten (their grids now)
  const keys = new Set<string>()
  for (const g of w.person.groups)
    for (const i of g) {
      const key = (w.person.records[i] as PersonRecord).addressKey
      if (key) keys.add(key)
    }
  for (const g of w.unit.groups)
    for (const i of g) {
      const key = (w.unit.records[i] as UnitRecord).premises
      if (key) keys.add(key)
    }
  for (const g of w.house.groups) keys.add((w.house.records[g[0] as number] as HouseRecord).key)
  const houses: { key: string; id: string; grid: string | null }[] = []
  for (const ks of chunks([...keys])) {
    const rows = await tx.query<{ key: string; id: string; grid_code: string | null }>(
      `select key, id, grid_code from houses where key = any($1::text[])`,
      [ks],
    )
    for (const r of rows) houses.push({ key: r.key, id: r.id, grid: r.grid_code })
  }
  return new Index(w, known, houses)
}

/** Standard addresses by key, created or refreshed where they differ; returns their ids. */
async function upsertAddresses(tx: Tx, rows: unknown[][]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  const cols = ADDRESS_COLUMNS.slice(1)
  const others = cols.filter((c) => c !== 'key')
  for (const part of chunks(rows, 5_000)) {
    const json = part.map((r) => Object.fromEntries(cols.map((c, k) => [c, r[k + 1]])))
    // an unchanged address is not updated (nor returned): a new row version costs as much as a new row
    const out = await tx.query<{ id: string; key: string }>(
      `insert into addresses (${cols.join(', ')})
       select ${cols.join(', ')}
         from json_to_recordset($1::json) as x(division_code text, road text, number text, compound text,
              building text, unit text, floor text, room text, key text, lng float8, lat float8)
       on conflict (key) do update set ${others.map((c) => `${c} = excluded.${c}`).join(', ')}
        where (${others.map((c) => `addresses.${c}`).join(', ')})
              is distinct from (${others.map((c) => `excluded.${c}`).join(', ')})
       returning id, key`,
      [JSON.stringify(json)],
    )
    for (const r of out) ids.set(r.key, Number(r.id))
    const rest = part.map((r) => r[ADDRESS_COLUMNS.indexOf('key')] as string).filter((k) => !ids.has(k))
    if (rest.length > 0)
      for (const r of await tx.query<{ id: string; key: string }>(
        `select id, key from addresses where key = any($1::text[])`,
        [rest],
      ))
        ids.set(r.key, Number(r.id))
  }
  return ids
}

/** References held outside the neighbourhood to ids it merged away now point at the survivors. */
async function followRedirects(tx: Tx, w: GoldenWorld): Promise<void> {
  const pairs = (r: Resolved<{ sourceRecordId: number; role: string }>) => [
    r.ids.redirects.map((x) => x.from),
    r.ids.redirects.map((x) => x.to),
  ]
  const updates: [Resolved<{ sourceRecordId: number; role: string }>, string, string][] = [
    [w.person, 'person_houses', 'person_id'],
    [w.person, 'person_units', 'person_id'],
    [w.person, 'units', 'legal_rep_person_id'],
    [w.person, 'houses', 'owner_person_id'],
    [w.unit, 'person_units', 'unit_id'],
    [w.unit, 'unit_houses', 'unit_id'],
    [w.house, 'persons', 'house_id'],
    [w.house, 'units', 'house_id'],
    [w.house, 'person_houses', 'house_id'],
    [w.house, 'unit_houses', 'house_id'],
  ]
  for (const [r, table, column] of updates) {
    if (r.ids.redirects.length === 0) continue
    await tx.query(
      `update ${table} t set ${column} = x.t from unnest($1::text[], $2::text[]) as x(f, t) where t.${column} = x.f`,
      pairs(r),
    )
  }
}

/**
 * Persons without a grid of their own, and units, are in their house's grid: when a rewritten house
 * has a grid now, those outside the neighbourhood follow it.
 */
async function followHouseGrids(tx: Tx, houseIds: readonly string[]): Promise<void> {
  for (const part of chunks(houseIds)) {
    await tx.query(
      `update persons p set grid_code = h.grid_code from houses h
        where h.id = any($1::text[]) and p.house_id = h.id and not (p.provenance ? 'gridCode')
          and p.grid_code is distinct from h.grid_code`,
      [part],
    )
    await tx.query(
      `update units u set grid_code = h.grid_code from houses h
        where h.id = any($1::text[]) and u.house_id = h.id and u.grid_code is distinct from h.grid_code`,
      [part],
    )
  }
}
