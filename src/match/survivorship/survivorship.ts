import type { Provenance } from '../../db/schema/golden.ts'
import {
  HOUSE_FIELDS,
  type HouseField,
  loadSurvivorshipConfig,
  PERSON_FIELDS,
  type PersonField,
  type SurvivorshipConfig,
  type SurvivorshipConfigOptions,
  type TrustList,
  UNIT_FIELDS,
  type UnitField,
} from './config.ts'
import { compareText, type MemberBase, Picker, type PickSpec, TrustTable, type UnionSpec } from './picker.ts'
import type { GoldenHouse, GoldenPerson, GoldenUnit, HouseMember, PersonMember, UnitMember } from './types.ts'

/*
 * Survivorship (DESIGN.md "Data model (golden side)", issue item 6): the value of every golden field,
 * chosen among the members of the record by validity, then source trust, then precision, then recency,
 * then the lowest source record id; multi-valued fields are unions. The rules are data
 * (config/survivorship.yaml), compiled once; person(), house() and unit() are pure and give the same
 * answer whatever the order of the members.
 */

const HUKOU = '户籍'

const present = (v: string | null | undefined): v is string => v != null && v !== ''

/** Validity of a checked value: valid over unchecked over invalid. */
const validity = (valid: boolean | null): number => (valid === true ? 2 : valid === null ? 1 : 0)

/** A single-valued text field. */
const text = <M>(field: number, get: (m: M) => string | null | undefined): PickSpec<M> => ({
  field,
  has: (m) => present(get(m)),
  tie: (a, b) => compareText(get(a), get(b)),
})

const BIRTH_PRECISION: Readonly<Record<string, number>> = { day: 3, month: 2, year: 1 }

/** day 3, month 2, year 1; from the value's length when the precision column is empty. */
export const birthPrecisionRank = (m: Pick<PersonMember, 'birthDate' | 'birthPrecision'>): number => {
  const declared = m.birthPrecision ? BIRTH_PRECISION[m.birthPrecision] : undefined
  if (declared !== undefined) return declared
  const n = m.birthDate?.length ?? 0
  return n >= 10 ? 3 : n >= 7 ? 2 : n >= 4 ? 1 : 0
}

/** 1985-03-02 refines 1985-03, which refines 1985. */
const refines = (longer: string | null, shorter: string): boolean =>
  longer !== null &&
  longer.length > shorter.length &&
  longer.startsWith(shorter) &&
  longer[shorter.length] === '-'

const ADDRESS_DEPTH: Readonly<Record<string, number>> = {
  division: 1,
  road: 2,
  number: 3,
  compound: 4,
  building: 5,
  unit: 6,
  room: 7,
}

const fieldIndex = <F extends string>(fields: readonly F[]) =>
  Object.fromEntries(fields.map((f, i) => [f, i])) as Record<F, number>

const P = fieldIndex(PERSON_FIELDS)
const H = fieldIndex(HOUSE_FIELDS)
const U = fieldIndex(UNIT_FIELDS)

const trustLists = <F extends string>(
  fields: readonly F[],
  rules: { default: TrustList; fields: Partial<Record<F, TrustList>> },
): TrustList[] => fields.map((f) => rules.fields[f] ?? rules.default)

/** Picks the field's winner and records its provenance; the member, or null when none has a value. */
const take = <M extends MemberBase>(
  picker: Picker<M>,
  spec: PickSpec<M>,
  provenance: Provenance,
  key: string,
): M | null => {
  const i = picker.pick(spec)
  if (i < 0) return null
  provenance[key] = picker.provenance(i)
  return picker.member(i)
}

const takeAll = <M extends MemberBase>(
  picker: Picker<M>,
  spec: UnionSpec<M>,
  provenance: Provenance,
  key: string,
): string[] => {
  const out: string[] = []
  const i = picker.union(spec, out)
  if (i >= 0) provenance[key] = picker.provenance(i)
  return out
}

// Field specs that do not depend on the configuration, built once.
const PERSON = {
  idNumber: {
    ...text<PersonMember>(P.idNumber, (m) => m.idNumber),
    first: (m: PersonMember) => validity(m.idValid),
    firstRule: 'valid',
  } satisfies PickSpec<PersonMember>,
  name: text<PersonMember>(P.name, (m) => m.name),
  gender: text<PersonMember>(P.gender, (m) => m.gender),
  birthDate: {
    ...text<PersonMember>(P.birthDate, (m) => m.birthDate),
    precision: birthPrecisionRank,
  } satisfies PickSpec<PersonMember>,
  ethnicity: text<PersonMember>(P.ethnicity, (m) => m.ethnicity),
  hukouAddress: text<PersonMember>(P.hukouAddress, (m) => m.hukouAddressKey),
  category: text<PersonMember>(P.category, (m) => m.category),
  gridCode: text<PersonMember>(P.gridCode, (m) => m.gridCode),
  phones: { field: P.phones, values: (m) => m.phones } satisfies UnionSpec<PersonMember>,
  assistance: { field: P.assistance, values: (m) => m.assistance } satisfies UnionSpec<PersonMember>,
}

const HOUSE = {
  key: {
    ...text<HouseMember>(H.key, (m) => m.key),
    tie: (a: HouseMember, b: HouseMember) =>
      compareText(a.key, b.key) || compareText(a.addressRaw, b.addressRaw),
    precision: (m: HouseMember) => (m.depth ? (ADDRESS_DEPTH[m.depth] ?? 0) : 0),
  } satisfies PickSpec<HouseMember>,
  usage: text<HouseMember>(H.usage, (m) => m.usage),
  ownerPersonId: text<HouseMember>(H.ownerPersonId, (m) => m.ownerPersonId),
  gridCode: text<HouseMember>(H.gridCode, (m) => m.gridCode),
  location: {
    field: H.location,
    has: (m: HouseMember) => Number.isFinite(m.lng) && Number.isFinite(m.lat),
    tie: (a: HouseMember, b: HouseMember) => a.lng! - b.lng! || a.lat! - b.lat!,
  } satisfies PickSpec<HouseMember>,
}

const UNIT = {
  creditCode: {
    ...text<UnitMember>(U.creditCode, (m) => m.creditCode),
    first: (m: UnitMember) => validity(m.creditValid),
    firstRule: 'valid',
  } satisfies PickSpec<UnitMember>,
  name: text<UnitMember>(U.name, (m) => m.name),
  kind: text<UnitMember>(U.kind, (m) => m.kind),
  status: text<UnitMember>(U.status, (m) => m.status),
  legalRepPersonId: text<UnitMember>(U.legalRepPersonId, (m) => m.legalRepPersonId),
  houseId: text<UnitMember>(U.houseId, (m) => m.houseId),
  industry: text<UnitMember>(U.industry, (m) => m.industry),
  gridCode: text<UnitMember>(U.gridCode, (m) => m.gridCode),
  signNames: { field: U.signNames, values: (m) => m.signName } satisfies UnionSpec<UnitMember>,
}

/**
 * The survivorship rules compiled for use: create once (compileSurvivorship / loadSurvivorship), then
 * call person(), house() and unit() per golden record. Not for concurrent use from several threads;
 * within one event loop any number of calls is fine.
 */
export class Survivorship {
  readonly config: SurvivorshipConfig
  private readonly persons: Picker<PersonMember>
  private readonly houses: Picker<HouseMember>
  private readonly units: Picker<UnitMember>
  private readonly hukouSpec: PickSpec<PersonMember> | null
  private readonly dwellingSpec: PickSpec<PersonMember>
  private readonly registrySpec: PickSpec<UnitMember> | null

  constructor(config: SurvivorshipConfig) {
    this.config = config
    this.persons = new Picker(
      new TrustTable(PERSON_FIELDS, trustLists<PersonField>(PERSON_FIELDS, config.person)),
    )
    this.houses = new Picker(new TrustTable(HOUSE_FIELDS, trustLists<HouseField>(HOUSE_FIELDS, config.house)))
    this.units = new Picker(new TrustTable(UNIT_FIELDS, trustLists<UnitField>(UNIT_FIELDS, config.unit)))

    const hukou = new Set(config.person.hukouSources)
    this.hukouSpec = hukou.size
      ? {
          field: P.category,
          has: (m) => hukou.has(m.source),
          tie: (a, b) => compareText(a.category, b.category),
        }
      : null
    const dwelling = new Set(config.person.dwellingRoles)
    this.dwellingSpec = {
      field: P.houseId,
      has: (m) => dwelling.has(m.role) && present(m.houseId),
      tie: (a, b) => compareText(a.houseId, b.houseId),
    }
    const registries = new Set(config.unit.registries)
    const terminal = new Set(config.unit.terminalStatuses)
    this.registrySpec = registries.size
      ? {
          ...UNIT.status,
          has: (m) => registries.has(m.source) && present(m.status),
          first: (m) => (terminal.has(m.status!) ? 1 : 0),
          firstRule: 'registry-terminal',
          recencyFirst: true,
        }
      : null
  }

  /** The golden person of these members (rows of source_persons). */
  person(members: readonly PersonMember[]): GoldenPerson {
    const p = this.persons
    const provenance: Provenance = {}
    p.begin(members)
    try {
      return {
        idNumber: take(p, PERSON.idNumber, provenance, 'idNumber')?.idNumber ?? null,
        name: take(p, PERSON.name, provenance, 'name')?.name ?? null,
        gender: take(p, PERSON.gender, provenance, 'gender')?.gender ?? null,
        birthDate: this.birthDate(provenance),
        ethnicity: take(p, PERSON.ethnicity, provenance, 'ethnicity')?.ethnicity ?? null,
        phones: takeAll(p, PERSON.phones, provenance, 'phones'),
        hukouAddress: take(p, PERSON.hukouAddress, provenance, 'hukouAddress')?.hukouAddressKey ?? null,
        category: this.category(provenance),
        assistance: takeAll(p, PERSON.assistance, provenance, 'assistance'),
        houseId: take(p, this.dwellingSpec, provenance, 'houseId')?.houseId ?? null,
        gridCode: take(p, PERSON.gridCode, provenance, 'gridCode')?.gridCode ?? null,
        provenance,
      }
    } finally {
      p.end()
    }
  }

  /** The winner, then any less trusted date that refines it (1985-03 → 1985-03-02): it agrees and says more. */
  private birthDate(provenance: Provenance): string | null {
    const p = this.persons
    let i = p.pick(PERSON.birthDate)
    if (i < 0) return null
    let rule = p.rule
    for (;;) {
      const winner = p.member(i)
      const precision = birthPrecisionRank(winner)
      const value = winner.birthDate!
      if (precision >= 3) break
      const j = p.pick(
        PERSON.birthDate,
        (m) => birthPrecisionRank(m) > precision && refines(m.birthDate, value),
      )
      if (j < 0) break
      i = j
      rule = 'most-precise'
    }
    p.rule = rule
    provenance.birthDate = p.provenance(i)
    return p.member(i).birthDate
  }

  /** 户籍 if the household register knows the person, else by trust. */
  private category(provenance: Provenance): string | null {
    const p = this.persons
    if (this.hukouSpec) {
      const i = p.pick(this.hukouSpec)
      if (i >= 0) {
        p.rule = 'hukou'
        provenance.category = p.provenance(i)
        return HUKOU
      }
    }
    return take(p, PERSON.category, provenance, 'category')?.category ?? null
  }

  /** The golden house of these members (rows of source_houses). */
  house(members: readonly HouseMember[]): GoldenHouse {
    const p = this.houses
    const provenance: Provenance = {}
    p.begin(members)
    try {
      const keyed = take(p, HOUSE.key, provenance, 'key')
      const located = take(p, HOUSE.location, provenance, 'lng')
      if (located) provenance.lat = { ...provenance.lng! }
      return {
        key: keyed?.key ?? null,
        address: keyed && {
          divisionCode: keyed.divisionCode,
          road: keyed.road,
          number: keyed.number,
          compound: keyed.compound,
          building: keyed.building,
          unit: keyed.unit,
          floor: keyed.floor,
          room: keyed.room,
        },
        usage: take(p, HOUSE.usage, provenance, 'usage')?.usage ?? null,
        ownerPersonId: take(p, HOUSE.ownerPersonId, provenance, 'ownerPersonId')?.ownerPersonId ?? null,
        gridCode: take(p, HOUSE.gridCode, provenance, 'gridCode')?.gridCode ?? null,
        lng: located?.lng ?? null,
        lat: located?.lat ?? null,
        provenance,
      }
    } finally {
      p.end()
    }
  }

  /** The golden unit of these members (rows of source_units). */
  unit(members: readonly UnitMember[]): GoldenUnit {
    const p = this.units
    const provenance: Provenance = {}
    p.begin(members)
    try {
      return {
        creditCode: take(p, UNIT.creditCode, provenance, 'creditCode')?.creditCode ?? null,
        name: take(p, UNIT.name, provenance, 'name')?.name ?? null,
        signNames: takeAll(p, UNIT.signNames, provenance, 'signNames'),
        kind: take(p, UNIT.kind, provenance, 'kind')?.kind ?? null,
        status: this.status(provenance),
        legalRepPersonId:
          take(p, UNIT.legalRepPersonId, provenance, 'legalRepPersonId')?.legalRepPersonId ?? null,
        houseId: take(p, UNIT.houseId, provenance, 'houseId')?.houseId ?? null,
        industry: take(p, UNIT.industry, provenance, 'industry')?.industry ?? null,
        gridCode: take(p, UNIT.gridCode, provenance, 'gridCode')?.gridCode ?? null,
        provenance,
      }
    } finally {
      p.end()
    }
  }

  /** The registries' latest status, a terminal one (注销) kept; else by trust. */
  private status(provenance: Provenance): string | null {
    const p = this.units
    if (this.registrySpec) {
      const i = p.pick(this.registrySpec)
      if (i >= 0) {
        const winner = p.member(i)
        p.rule = this.registrySpec.first!(winner) ? 'registry-terminal' : 'registry-latest'
        provenance.status = p.provenance(i)
        return winner.status
      }
    }
    return take(p, UNIT.status, provenance, 'status')?.status ?? null
  }
}

/** Compiles validated rules (parseSurvivorshipConfig / loadSurvivorshipConfig) for use. */
export const compileSurvivorship = (config: SurvivorshipConfig): Survivorship => new Survivorship(config)

/** Reads, validates and compiles a survivorship file (config/survivorship.yaml by default). */
export const loadSurvivorship = (file?: string, options?: SurvivorshipConfigOptions): Survivorship =>
  new Survivorship(loadSurvivorshipConfig(file, options))
