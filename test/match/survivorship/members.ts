import type { HouseMember, PersonMember, UnitMember } from '../../../src/match/survivorship/index.ts'
import { loadSurvivorship } from '../../../src/match/survivorship/index.ts'

/** Hand-made members with made-up values; every column null unless a test sets it. */

export const T1 = '2024-01-01T00:00:00.000Z'
export const T2 = '2024-02-01T00:00:00.000Z'
export const T3 = '2024-03-01T00:00:00.000Z'

/** The shipped rules, compiled once per test file. */
export const shipped = loadSurvivorship()

export const person = (
  sourceRecordId: number,
  source: string,
  fields: Partial<PersonMember> = {},
): PersonMember => ({
  sourceRecordId,
  source,
  role: 'person',
  seenAt: T1,
  name: null,
  namePinyin: null,
  idNumber: null,
  idValid: null,
  otherDocument: null,
  gender: null,
  birthDate: null,
  birthPrecision: null,
  ethnicity: null,
  phones: [],
  addressKey: null,
  hukouAddressKey: null,
  category: null,
  assistance: [],
  gridCode: null,
  houseId: null,
  ...fields,
})

export const house = (
  sourceRecordId: number,
  source: string,
  fields: Partial<HouseMember> = {},
): HouseMember => ({
  sourceRecordId,
  source,
  role: 'house',
  seenAt: T1,
  addressRaw: null,
  divisionCode: null,
  districtCode: null,
  streetCode: null,
  communityCode: null,
  road: null,
  number: null,
  compound: null,
  building: null,
  unit: null,
  floor: null,
  room: null,
  depth: null,
  key: null,
  buildingKey: null,
  usage: null,
  gridCode: null,
  lng: null,
  lat: null,
  ownerPersonId: null,
  ...fields,
})

export const unit = (
  sourceRecordId: number,
  source: string,
  fields: Partial<UnitMember> = {},
): UnitMember => ({
  sourceRecordId,
  source,
  role: 'unit',
  seenAt: T1,
  creditCode: null,
  creditValid: null,
  regNo: null,
  name: null,
  signName: null,
  kind: null,
  legalForm: null,
  status: null,
  industry: null,
  phones: [],
  addressKey: null,
  addressBuildingKey: null,
  established: null,
  houseId: null,
  legalRepPersonId: null,
  gridCode: null,
  ...fields,
})

/** A seeded generator (mulberry32), so a failing shuffle can be replayed. */
export const rng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const shuffle = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

export const pickOne = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)]!
