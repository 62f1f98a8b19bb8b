import type { Provenance } from '../../db/schema/golden.ts'

/*
 * What survivorship reads and writes. A member is one mention (one role of one source record, a row of
 * source_persons / source_houses / source_units in camelCase) that matching put in a golden record,
 * plus what the caller knows beside it: when the record was last written (recency) and the golden ids
 * of the records it points at. The output mirrors the columns of persons / houses / units, with the
 * provenance of every field that has a value.
 */

/** One row of source_persons, in a golden person. */
export interface PersonMember {
  sourceRecordId: number
  source: string
  role: string
  /** ISO timestamp of the source record's last write (source_records.updated_at): recency. */
  seenAt: string
  name: string | null
  namePinyin: string | null
  idNumber: string | null
  idValid: boolean | null
  otherDocument: string | null
  gender: string | null
  /** ISO prefix at its precision: 1985-03-02, 1985-03 or 1985. */
  birthDate: string | null
  /** day | month | year; when null, read from the length of birthDate. */
  birthPrecision: string | null
  ethnicity: string | null
  phones: readonly string[]
  addressKey: string | null
  hukouAddressKey: string | null
  category: string | null
  assistance: readonly string[]
  gridCode: string | null
  /** Golden id of the house this mention lives in (from its address), filled by the caller. */
  houseId?: string | null
}

/** One row of source_houses, in a golden house. */
export interface HouseMember {
  sourceRecordId: number
  source: string
  role: string
  seenAt: string
  addressRaw: string | null
  divisionCode: string | null
  districtCode: string | null
  streetCode: string | null
  communityCode: string | null
  road: string | null
  number: string | null
  compound: string | null
  building: string | null
  unit: string | null
  floor: string | null
  room: string | null
  /** division | road | number | compound | building | unit | room (schemas/address.ts AddressDepth). */
  depth: string | null
  key: string | null
  buildingKey: string | null
  usage: string | null
  gridCode: string | null
  lng: number | null
  lat: number | null
  /** Golden id of the owner the same source record names (police.rental's 房主), filled by the caller. */
  ownerPersonId?: string | null
}

/** One row of source_units, in a golden unit. */
export interface UnitMember {
  sourceRecordId: number
  source: string
  role: string
  seenAt: string
  creditCode: string | null
  creditValid: boolean | null
  regNo: string | null
  name: string | null
  signName: string | null
  kind: string | null
  legalForm: string | null
  status: string | null
  industry: string | null
  phones: readonly string[]
  addressKey: string | null
  addressBuildingKey: string | null
  established: string | null
  /** Golden id of the premises (from addressKey), filled by the caller. */
  houseId?: string | null
  /** Golden id of the legal representative the same source record names, filled by the caller. */
  legalRepPersonId?: string | null
  /** Grid of the premises where the caller knows it (source_units carries none). */
  gridCode?: string | null
}

/** The columns of persons that survivorship fills (src/db/schema/golden.ts). */
export interface GoldenPerson {
  idNumber: string | null
  name: string | null
  gender: string | null
  birthDate: string | null
  ethnicity: string | null
  phones: string[]
  /** Canonical key of the hukou address. */
  hukouAddress: string | null
  category: string | null
  assistance: string[]
  houseId: string | null
  gridCode: string | null
  /** Per field with a value: the source record that gave it and the rule it won by. */
  provenance: Provenance
}

/** The parts of the standard address the golden house stands at: those of the record that gave its key. */
export interface GoldenAddress {
  divisionCode: string | null
  road: string | null
  number: string | null
  compound: string | null
  building: string | null
  unit: string | null
  floor: string | null
  room: string | null
}

/** The columns of houses that survivorship fills, plus the address parts for the addresses row. */
export interface GoldenHouse {
  key: string | null
  address: GoldenAddress | null
  usage: string | null
  ownerPersonId: string | null
  gridCode: string | null
  /** lng and lat come together from one record (provenance under both names). */
  lng: number | null
  lat: number | null
  provenance: Provenance
}

/** The columns of units that survivorship fills. */
export interface GoldenUnit {
  creditCode: string | null
  name: string | null
  signNames: string[]
  kind: string | null
  status: string | null
  legalRepPersonId: string | null
  houseId: string | null
  industry: string | null
  gridCode: string | null
  provenance: Provenance
}
