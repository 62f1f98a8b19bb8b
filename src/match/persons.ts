/**
 * Persons: the records, their features, and the comparisons, blocking rules and hard rules of the
 * person model. Ids compare as one id written two ways only after normalisation (15 → 18 digits,
 * upper-case X) has made them one string; the model then sees 'exact', 'check digit' (the first 17
 * agree: a typo in the last), 'one typo' or 'different'.
 */
import type { Database } from '../db/types.ts'
import { type Feature, ruleOf } from './blocking.ts'
import type { AddressCanon } from './houses.ts'
import { buildingOf } from './houses.ts'
import type { Comparison, EntitySpec, HardRule } from './linker.ts'
import { mentionPages, SEEN_AT, StringPool } from './load.ts'
import type { EntitySettings } from './settings.ts'
import { editDistance, hamming } from './strings.ts'

export interface PersonRecord {
  sourceRecordId: number
  source: string
  recordId: string
  role: string
  seenAt: string
  name: string | null
  namePinyin: string | null
  idNumber: string | null
  idValid: boolean | null
  otherDocument: string | null
  gender: string | null
  birthDate: string | null
  birthPrecision: string | null
  ethnicity: string | null
  phones: string[]
  addressKey: string | null // canonical dwelling key
  buildingKey: string | null
  hukouAddressKey: string | null
  category: string | null
  assistance: string[]
  gridCode: string | null
  householdNo: string | null
  relationToHead: string | null
  employerName: string | null
  /** What the record ties this role to: the house an owner owns, the unit a legal rep runs (set by run). */
  context: string | null
  /** The golden house of the dwelling, set when golden records are written. */
  houseId?: string | null
}

const COLUMNS = `${SEEN_AT}, m.name, m.name_pinyin, m.id_number, m.id_valid, m.other_document, m.gender,
  m.birth_date, m.birth_precision, m.ethnicity, m.phones, m.address_key, m.hukou_address_key, m.category,
  m.assistance, m.grid_code, m.household_no, m.relation_to_head, m.employer_name`

export async function loadPersons(
  db: Database,
  canon: AddressCanon,
  records?: readonly number[],
): Promise<PersonRecord[]> {
  const out: PersonRecord[] = []
  const pool = new StringPool()
  for await (const page of mentionPages(db, 'source_persons', COLUMNS, { records })) {
    for (const r of page) {
      const addressKey = pool.str(canon.dwelling(pool.str(r.address_key)))
      out.push({
        // written out, not spread: a million records keep one compact shape
        sourceRecordId: Number(r.source_record_id),
        source: pool.str(r.source) as string,
        recordId: String(r.record_id),
        role: pool.str(r.role) as string,
        seenAt: pool.str(r.seen_at) as string,
        name: pool.str(r.name),
        namePinyin: pool.str(r.name_pinyin),
        idNumber: pool.str(r.id_number),
        idValid: r.id_valid === null ? null : Boolean(r.id_valid),
        otherDocument: pool.str(r.other_document),
        gender: pool.str(r.gender),
        birthDate: pool.str(r.birth_date),
        birthPrecision: pool.str(r.birth_precision),
        ethnicity: pool.str(r.ethnicity),
        phones: pool.strs(r.phones),
        addressKey,
        buildingKey: pool.str(buildingOf(addressKey)),
        hukouAddressKey: pool.str(r.hukou_address_key),
        category: pool.str(r.category),
        assistance: pool.strs(r.assistance),
        gridCode: pool.str(r.grid_code),
        householdNo: pool.str(r.household_no),
        relationToHead: pool.str(r.relation_to_head),
        employerName: pool.str(r.employer_name),
        context: null,
      })
    }
  }
  return out
}

/** The document a person is known by: the resident id, else a passport or permit number. */
const documentOf = (r: PersonRecord): string | null => r.idNumber ?? r.otherDocument

/** A valid resident id is an anchor: no cluster may hold two. */
export const personAnchor = (r: PersonRecord): string | null => (r.idValid ? r.idNumber : null)

const isMobile = (p: string): boolean => p.length === 11 && p.charCodeAt(0) === 49 /* 1 */

const FEATURES: Record<string, Feature<PersonRecord>> = {
  id17: (r) => documentOf(r)?.slice(0, 17) ?? null,
  name: (r) => r.name,
  pinyin: (r) => r.namePinyin,
  birthMonth: (r) => (r.birthDate && r.birthDate.length >= 7 ? r.birthDate.slice(0, 7) : null),
  birthDate: (r) => (r.birthDate && r.birthDate.length === 10 ? r.birthDate : null),
  dwelling: (r) => r.addressKey,
  building: (r) => r.buildingKey,
  phone: (r) => r.phones,
  context: (r) => r.context,
}

const idLevel = (a: PersonRecord, b: PersonRecord): number => {
  const x = documentOf(a)
  const y = documentOf(b)
  if (x === null || y === null) return 0
  if (x === y) return 1
  if (x.length === 18 && y.length === 18 && x.slice(0, 17) === y.slice(0, 17)) return 2
  return hamming(x, y) <= 1 ? 3 : 4
}

const nameLevel = (a: PersonRecord, b: PersonRecord): number => {
  if (a.name === null || b.name === null) return 0
  if (a.name === b.name) return 1
  if (a.namePinyin !== null && a.namePinyin === b.namePinyin) return 2
  return editDistance(a.name, b.name, 1) <= 1 ? 3 : 4
}

const birthLevel = (a: PersonRecord, b: PersonRecord): number => {
  const x = a.birthDate
  const y = b.birthDate
  if (x === null || y === null) return 0
  if (x === y) return x.length === 10 ? 1 : 2
  const n = Math.min(x.length, y.length)
  if (x.length !== y.length && x.slice(0, n) === y.slice(0, n)) return 2 // agree at the coarser precision
  if (n >= 7 && x.slice(0, 7) === y.slice(0, 7)) return 3
  return x.slice(0, 4) === y.slice(0, 4) ? 4 : 5
}

const genderLevel = (a: PersonRecord, b: PersonRecord): number =>
  a.gender === null || b.gender === null ? 0 : a.gender === b.gender ? 1 : 2

const phoneLevel = (a: PersonRecord, b: PersonRecord): number => {
  if (a.phones.length === 0 || b.phones.length === 0) return 0
  let landline = false
  for (const p of a.phones) {
    if (!b.phones.includes(p)) continue
    if (isMobile(p)) return 1
    landline = true
  }
  return landline ? 2 : 3
}

const dwellingLevel = (a: PersonRecord, b: PersonRecord): number => {
  if (a.addressKey === null || b.addressKey === null) return 0
  if (a.addressKey === b.addressKey) return 1
  if (a.buildingKey !== null && a.buildingKey === b.buildingKey) return 2
  return 3
}

const contextLevel = (a: PersonRecord, b: PersonRecord): number =>
  a.context === null || b.context === null ? 0 : a.context === b.context ? 1 : 2

export const PERSON_COMPARISONS: Comparison<PersonRecord>[] = [
  { name: 'id', levels: ['null', 'exact', 'check digit', 'one typo', 'different'], level: idLevel },
  {
    name: 'name',
    levels: ['null', 'exact', 'same pinyin', 'one character', 'different'],
    level: nameLevel,
    tf: { level: 1, value: (r) => r.name },
  },
  {
    name: 'birth',
    levels: ['null', 'exact', 'agree at coarser precision', 'same month', 'same year', 'different'],
    level: birthLevel,
  },
  { name: 'gender', levels: ['null', 'same', 'different'], level: genderLevel },
  { name: 'phone', levels: ['null', 'shared mobile', 'shared landline', 'different'], level: phoneLevel },
  {
    name: 'dwelling',
    levels: ['null', 'same dwelling', 'same building', 'different'],
    level: dwellingLevel,
  },
  { name: 'context', levels: ['null', 'same owned house or unit', 'different'], level: contextLevel },
]

// EM starts here; the fitted values are saved with the model.
const START_M = [
  [1, 0.9, 0.03, 0.02, 0.05],
  [1, 0.9, 0.04, 0.03, 0.03],
  [1, 0.85, 0.08, 0.02, 0.02, 0.03],
  [1, 0.97, 0.03],
  [1, 0.6, 0.1, 0.3],
  [1, 0.7, 0.1, 0.2],
  [1, 0.8, 0.2],
]

export const PERSON_RULES: HardRule<PersonRecord>[] = [
  {
    name: 'same resident id',
    judge: (a, b) => (a.idValid && b.idValid ? (a.idNumber === b.idNumber ? 'link' : 'apart') : null),
  },
]

export function personSpec(settings: EntitySettings): EntitySpec<PersonRecord> {
  return {
    entityType: 'person',
    comparisons: PERSON_COMPARISONS,
    blocking: settings.blocking.map((f) => ruleOf(f, FEATURES)),
    rules: PERSON_RULES,
    startM: START_M,
    startLambda: 0.1,
  }
}
