import type { EntityType } from '../../../schemas/mentions.ts'
import type { HouseRecord, PersonRecord, UnitRecord } from '../../../schemas/registers.ts'
import { formatAddress, formatKey } from '../../normalize/address/index.ts'

/**
 * How each register's golden table reads as the records the API serves (schemas/registers.ts): the
 * FROM clause with its alias `t`, the select list, and the row → record step. Every read of the
 * registers — lookups, lists, exports — goes through these, so a record looks the same everywhere.
 */
export interface RecordOf {
  person: PersonRecord
  house: HouseRecord
  unit: UnitRecord
}

export interface RegisterSql<E extends EntityType> {
  /** the golden table aliased `t`, with what its select list needs joined */
  from: string
  select: string
  toRecord(row: Record<string, unknown>): RecordOf[E]
}

type Row = Record<string, unknown>
const str = (v: unknown): string | null => (v == null ? null : String(v))
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [])
const num = (v: unknown): number | null => (v == null ? null : Number(v))

const ADDRESS_PARTS = `a.division_code, a.road, a.number, a.compound, a.building, a.unit, a.floor, a.room`

const addressText = (r: Row, key: unknown): string | null =>
  r.a_present
    ? formatAddress({
        divisionCode: str(r.division_code),
        road: str(r.road),
        number: str(r.number),
        compound: str(r.compound),
        building: str(r.building),
        unit: str(r.unit),
        floor: str(r.floor),
        room: str(r.room),
      })
    : formatKey(str(key))

const person: RegisterSql<'person'> = {
  from: `persons t left join houses h on h.id = t.house_id left join addresses a on a.id = h.address_id`,
  select: `t.id, t.id_number, t.name, t.gender, t.birth_date, t.ethnicity, t.phones, t.hukou_address,
           t.category, t.assistance, t.house_id, t.grid_code, h.key as house_key, a.id is not null as a_present,
           ${ADDRESS_PARTS}`,
  toRecord: (r) => ({
    id: String(r.id),
    idNumber: str(r.id_number),
    name: str(r.name),
    gender: str(r.gender) as PersonRecord['gender'],
    birthDate: str(r.birth_date),
    ethnicity: str(r.ethnicity),
    phones: strs(r.phones),
    hukouAddress: formatKey(str(r.hukou_address)),
    category: str(r.category) as PersonRecord['category'],
    assistance: strs(r.assistance),
    houseId: str(r.house_id),
    address: r.house_id == null ? null : addressText(r, r.house_key),
    gridCode: str(r.grid_code),
  }),
}

const house: RegisterSql<'house'> = {
  from: `houses t left join addresses a on a.id = t.address_id`,
  select: `t.id, t.key, t.partial, t.usage, t.owner_person_id, t.grid_code, t.lng, t.lat,
           a.id is not null as a_present, ${ADDRESS_PARTS}`,
  toRecord: (r) => ({
    id: String(r.id),
    address: addressText(r, r.key),
    divisionCode: str(r.division_code),
    road: str(r.road),
    number: str(r.number),
    compound: str(r.compound),
    building: str(r.building),
    unit: str(r.unit),
    floor: str(r.floor),
    room: str(r.room),
    partial: r.partial === true,
    usage: str(r.usage),
    ownerPersonId: str(r.owner_person_id),
    gridCode: str(r.grid_code),
    lng: num(r.lng),
    lat: num(r.lat),
  }),
}

const unit: RegisterSql<'unit'> = {
  from: `units t left join houses h on h.id = t.house_id left join addresses a on a.id = h.address_id`,
  select: `t.id, t.credit_code, t.name, t.sign_names, t.kind, t.status, t.legal_rep_person_id, t.house_id,
           t.industry, t.grid_code, h.key as house_key, a.id is not null as a_present, ${ADDRESS_PARTS}`,
  toRecord: (r) => ({
    id: String(r.id),
    creditCode: str(r.credit_code),
    name: str(r.name),
    signNames: strs(r.sign_names),
    kind: str(r.kind) as UnitRecord['kind'],
    status: str(r.status),
    legalRepPersonId: str(r.legal_rep_person_id),
    houseId: str(r.house_id),
    address: r.house_id == null ? null : addressText(r, r.house_key),
    industry: str(r.industry),
    gridCode: str(r.grid_code),
  }),
}

export const REGISTERS: { [E in EntityType]: RegisterSql<E> } = { person, house, unit }

/** Fields of a record that point at another golden record; shown only where that record is visible too. */
export const REFERENCES: { [E in EntityType]: ReadonlyArray<[field: string, target: EntityType]> } = {
  person: [['houseId', 'house']],
  house: [['ownerPersonId', 'person']],
  unit: [
    ['legalRepPersonId', 'person'],
    ['houseId', 'house'],
  ],
}
