/**
 * Golden records and relations, derived from the resolved mentions: one row per golden house, unit
 * and person with each field chosen by survivorship (and its provenance), then the relations the
 * source records state, re-pointed to golden ids. A full match rewrites them whole; ids are stable
 * because golden-ids.ts kept them, so clients holding an id still find it.
 */
import { withoutIndexes } from '../db/bulk.ts'
import type { Database, Tx } from '../db/types.ts'
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

/** The tables a full match rewrites whole. */
export const GOLDEN_TABLES = [
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
): Promise<GoldenCounts> {
  if (scope.kind === 'partial') {
    const index = await partialIndex(tx, w)
    await deletePartial(tx, scope)
    return writeRows(db, tx, w, survivorship, index, true)
  }
  await tx.exec(`truncate ${GOLDEN_TABLES.join(', ')} restart identity`)
  // rewritten whole: indexes are built once after the load, not maintained row by row
  return withoutIndexes(tx, GOLDEN_TABLES, () => writeRows(db, tx, w, survivorship, new Index(w), false))
}

async function writeRows(
  db: Database,
  tx: Tx,
  w: GoldenWorld,
  survivorship: Survivorship,
  index: Index,
  partial: boolean,
): Promise<GoldenCounts> {
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
  if (partial) {
    const ids = await upsertAddresses(tx, addressRows)
    for (const row of houseRows) row[1] = ids.get(row[2] as string) ?? null
  } else {
    await db.copyInto(tx, 'addresses', ADDRESS_COLUMNS, addressRows)
    await tx.query(`select setval(pg_get_serial_sequence('addresses', 'id'), greatest($1::bigint, 1))`, [
      addressRows.length,
    ])
  }
  await db.copyInto(tx, 'houses', HOUSE_COLUMNS, houseRows)

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
  await db.copyInto(tx, 'units', UNIT_COLUMNS, units)

  await db.copyInto(tx, 'persons', PERSON_COLUMNS, personRows(w, index, survivorship))

  const rel = relations(w, index)
  await db.copyInto(
    tx,
    'person_houses',
    ['person_id', 'house_id', 'relation', 'source_record_id'],
    rel.personHouses,
  )
  await db.copyInto(
    tx,
    'person_units',
    ['person_id', 'unit_id', 'relation', 'source_record_id'],
    rel.personUnits,
  )
  await db.copyInto(
    tx,
    'unit_houses',
    ['unit_id', 'house_id', 'relation', 'source_record_id'],
    rel.unitHouses,
  )
  if (partial) {
    await followRedirects(tx, w)
    await followHouseGrids(tx, gridMoved)
  }
  return {
    persons: w.person.groups.length,
    houses: houseRows.length,
    units: units.length,
    personHouses: rel.personHouses.length,
    personUnits: rel.personUnits.length,
    unitHouses: rel.unitHouses.length,
  }
}

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

/**
 * The mentions the rows being written point at through their record (every Index.id call): an owner's
 * house, a legal rep's or operator's unit, anyone else's employer, a house's owner, a unit's legal rep
 * or operator. Those the world resolved are known already; the rest are read.
 */
function referredRefs(w: GoldenWorld): { ids: string[]; roles: string[] } {
  const resolved = new Set<string>()
  for (const r of [w.house, w.unit, w.person] as Resolved<{ sourceRecordId: number; role: string }>[])
    for (const g of r.groups)
      for (const i of g) {
        const m = r.records[i] as { sourceRecordId: number; role: string }
        resolved.add(`${m.sourceRecordId}/${m.role}`)
      }
  const out = { ids: [] as string[], roles: [] as string[] }
  const want = (id: number, role: string) => {
    const ref = `${id}/${role}`
    if (resolved.has(ref)) return
    resolved.add(ref) // asked once
    out.ids.push(String(id))
    out.roles.push(role)
  }
  for (const g of w.person.groups)
    for (const i of g) {
      const p = w.person.records[i] as PersonRecord
      if (p.role === 'owner') want(p.sourceRecordId, 'house')
      else if (p.role === 'legal_rep' || p.role === 'operator') want(p.sourceRecordId, 'unit')
      else want(p.sourceRecordId, 'employer')
    }
  for (const g of w.house.groups)
    for (const i of g) want((w.house.records[i] as HouseRecord).sourceRecordId, 'owner')
  for (const g of w.unit.groups)
    for (const i of g) {
      const u = w.unit.records[i] as UnitRecord
      want(u.sourceRecordId, 'legal_rep')
      want(u.sourceRecordId, 'operator')
    }
  return out
}

/** Golden ids of the mentions the rows refer to outside the world, and the houses at the keys it mentions. */
async function partialIndex(tx: Tx, w: GoldenWorld): Promise<Index> {
  const known = new Map<string, string>()
  const refs = referredRefs(w)
  for (let k = 0; k < refs.ids.length; k += 20_000) {
    const rows = await tx.query<{ source_record_id: string; role: string; golden_id: string }>(
      `select l.source_record_id, l.role, l.golden_id
         from unnest($1::bigint[], $2::text[]) as x(id, role)
         join entity_links l on l.source_record_id = x.id and l.role = x.role`,
      [refs.ids.slice(k, k + 20_000), refs.roles.slice(k, k + 20_000)],
    )
    for (const r of rows) known.set(`${r.source_record_id}/${r.role}`, r.golden_id)
  }
  const keys = new Set<string>()
  for (const p of w.person.records) if (p.addressKey) keys.add(p.addressKey)
  for (const u of w.unit.records) if (u.premises) keys.add(u.premises)
  for (const g of w.house.groups) keys.add((w.house.records[g[0] as number] as HouseRecord).key) // their grids now
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

async function deletePartial(tx: Tx, scope: Extract<GoldenScope, { kind: 'partial' }>): Promise<void> {
  for (const [table, ids] of [
    ['houses', scope.ids.house],
    ['units', scope.ids.unit],
    ['persons', scope.ids.person],
  ] as const)
    for (const part of chunks(ids)) await tx.query(`delete from ${table} where id = any($1::text[])`, [part])
  for (const part of chunks(scope.records.person.map(String))) {
    await tx.query(`delete from person_houses where source_record_id = any($1::bigint[])`, [part])
    await tx.query(`delete from person_units where source_record_id = any($1::bigint[])`, [part])
  }
  for (const part of chunks(scope.records.unit.map(String)))
    await tx.query(`delete from unit_houses where source_record_id = any($1::bigint[])`, [part])
}

/** Standard addresses by key, created or refreshed; returns their ids. */
async function upsertAddresses(tx: Tx, rows: unknown[][]): Promise<Map<string, number>> {
  const ids = new Map<string, number>()
  for (const part of chunks(rows, 5_000)) {
    const json = part.map((r) => Object.fromEntries(ADDRESS_COLUMNS.slice(1).map((c, k) => [c, r[k + 1]])))
    const out = await tx.query<{ id: string; key: string }>(
      `insert into addresses (division_code, road, number, compound, building, unit, floor, room, key, lng, lat)
       select division_code, road, number, compound, building, unit, floor, room, key, lng, lat
         from json_to_recordset($1::json) as x(division_code text, road text, number text, compound text,
              building text, unit text, floor text, room text, key text, lng float8, lat float8)
       on conflict (key) do update set division_code = excluded.division_code, road = excluded.road,
              number = excluded.number, compound = excluded.compound, building = excluded.building,
              unit = excluded.unit, floor = excluded.floor, room = excluded.room, lng = excluded.lng,
              lat = excluded.lat
       returning id, key`,
      [JSON.stringify(json)],
    )
    for (const r of out) ids.set(r.key, Number(r.id))
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
