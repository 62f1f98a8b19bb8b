import { boolean, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core'
import { sourceRecordRef } from './columns.ts'

/*
 * Blocking indexes are not kept here: each costs ingest a fifth of its COPY throughput, and which keys
 * to block on is the matcher's setting, not the ingest's (docs/adr/0001-mention-indexes.md).
 *
 * Mention tables: one row per role of a source record (schemas/mentions.ts), flattened so that
 * blocking can use plain b-tree indexes. They are derived data, rebuilt whenever the record is
 * updated, and bulk-loaded with COPY; so no foreign key to source_records (a per-row FK check
 * costs COPY throughput, and ingest deletes and rewrites them in the same transaction).
 */

export const sourcePersons = pgTable(
  'source_persons',
  {
    sourceRecordId: sourceRecordRef('source_record_id').notNull(),
    source: text('source').notNull(),
    recordId: text('record_id').notNull(),
    role: text('role').notNull(),
    name: text('name'),
    namePinyin: text('name_pinyin'),
    idNumber: text('id_number'),
    idValid: boolean('id_valid'),
    otherDocument: text('other_document'), // passport or permit number where the id column held one
    gender: text('gender'),
    birthDate: text('birth_date'), // ISO prefix at its precision: 1985-03-02, 1950-03, 1950
    birthPrecision: text('birth_precision'),
    ethnicity: text('ethnicity'),
    phones: text('phones').array().notNull().default([]),
    addressKey: text('address_key'),
    addressBuildingKey: text('address_building_key'),
    addressUnit: text('address_unit'),
    addressDivision: text('address_division'),
    hukouAddressKey: text('hukou_address_key'),
    hukouDivision: text('hukou_division'),
    category: text('category'),
    assistance: text('assistance').array().notNull().default([]),
    householdNo: text('household_no'),
    relationToHead: text('relation_to_head'),
    gridCode: text('grid_code'),
    employerName: text('employer_name'),
  },
  (t) => [index('source_persons_record_idx').on(t.sourceRecordId)],
)

export const sourceHouses = pgTable(
  'source_houses',
  {
    sourceRecordId: sourceRecordRef('source_record_id').notNull(),
    source: text('source').notNull(),
    recordId: text('record_id').notNull(),
    role: text('role').notNull(),
    addressRaw: text('address_raw'),
    divisionCode: text('division_code'),
    districtCode: text('district_code'),
    streetCode: text('street_code'),
    communityCode: text('community_code'),
    road: text('road'),
    number: text('number'),
    compound: text('compound'),
    building: text('building'),
    unit: text('unit'),
    floor: text('floor'),
    room: text('room'),
    depth: text('depth'),
    key: text('key'),
    buildingKey: text('building_key'),
    usage: text('usage'),
    gridCode: text('grid_code'),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
  },
  (t) => [index('source_houses_record_idx').on(t.sourceRecordId)],
)

export const sourceUnits = pgTable(
  'source_units',
  {
    sourceRecordId: sourceRecordRef('source_record_id').notNull(),
    source: text('source').notNull(),
    recordId: text('record_id').notNull(),
    role: text('role').notNull(),
    creditCode: text('credit_code'),
    creditValid: boolean('credit_valid'),
    regNo: text('reg_no'),
    name: text('name'),
    signName: text('sign_name'),
    kind: text('kind'),
    legalForm: text('legal_form'),
    status: text('status'),
    industry: text('industry'),
    phones: text('phones').array().notNull().default([]),
    addressKey: text('address_key'),
    addressBuildingKey: text('address_building_key'),
    established: text('established'),
  },
  (t) => [index('source_units_record_idx').on(t.sourceRecordId)],
)
