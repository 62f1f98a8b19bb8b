import {
  bigint,
  boolean,
  bigserial,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { type FieldProvenance, timestamptz } from './columns.ts'

/*
 * Golden records: derived from source records plus steward decisions, rebuildable at any time.
 * Ids are minted by the hub ('H…', 'P…', 'U…') and stay stable across re-matches.
 * Geometry columns and GiST indexes are added by migrations/extensions/postgis where PostGIS
 * exists; lng/lat stay here so the embedded database can answer with a bounding-box fallback.
 */

export type Provenance = Record<string, FieldProvenance>

/** Standard address (一标), one per canonical key. */
export const addresses = pgTable(
  'addresses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    divisionCode: text('division_code'),
    road: text('road'),
    number: text('number'),
    compound: text('compound'),
    building: text('building'),
    unit: text('unit'),
    floor: text('floor'),
    room: text('room'),
    key: text('key').notNull(),
    lng: doublePrecision('lng'),
    lat: doublePrecision('lat'),
  },
  (t) => [uniqueIndex('addresses_key_uq').on(t.key), index('addresses_division_idx').on(t.divisionCode)],
)

/** 实有房屋: one dwelling or premises, one room-level address. */
export const houses = pgTable(
  'houses',
  {
    id: text('id').primaryKey(),
    addressId: bigint('address_id', { mode: 'number' }).references(() => addresses.id),
    key: text('key').notNull(),
    partial: boolean('partial').notNull().default(false), // only the building is known, not the room
    usage: text('usage'),
    ownerPersonId: text('owner_person_id'),
    gridCode: text('grid_code'),
    lng: doublePrecision('lng'), // copied from the address so spatial fallbacks need no join
    lat: doublePrecision('lat'),
    fields: jsonb('fields').$type<Provenance>().notNull().default({}),
    status: text('status').notNull().default('active'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // pattern ops: a building's rooms are found by key prefix (LIKE 'd|road|8|1|%') whatever the collation
    index('houses_key_idx').on(t.key.op('text_pattern_ops')),
    index('houses_address_idx').on(t.addressId),
    // (grid, id): a grid's records come a page at a time in id order straight from the index
    index('houses_grid_idx').on(t.gridCode, t.id),
    // an owner merged away is followed to the survivor without reading every house
    index('houses_owner_idx').on(t.ownerPersonId),
  ],
)

/** 实有人口. */
export const persons = pgTable(
  'persons',
  {
    id: text('id').primaryKey(),
    idNumber: text('id_number'),
    name: text('name'),
    /** toneless pinyin of the name (zhangxiaoming), for same-sound lookups */
    namePinyin: text('name_pinyin'),
    gender: text('gender'),
    birthDate: text('birth_date'),
    ethnicity: text('ethnicity'),
    phones: text('phones').array().notNull().default([]),
    hukouAddress: text('hukou_address'),
    category: text('category'),
    assistance: text('assistance').array().notNull().default([]),
    houseId: text('house_id'),
    gridCode: text('grid_code'),
    provenance: jsonb('provenance').$type<Provenance>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('persons_id_number_idx').on(t.idNumber, t.id),
    // (value, id): a lookup answers in id order from the index alone; on the value only, a rare name
    // made the planner walk the whole primary key looking for it
    index('persons_name_idx').on(t.name, t.id),
    index('persons_name_pinyin_idx').on(t.namePinyin, t.id),
    index('persons_phones_idx').using('gin', t.phones),
    index('persons_house_idx').on(t.houseId),
    index('persons_grid_idx').on(t.gridCode, t.id),
  ],
)

/** 实有单位. */
export const units = pgTable(
  'units',
  {
    id: text('id').primaryKey(),
    creditCode: text('credit_code'),
    name: text('name'),
    signNames: text('sign_names').array().notNull().default([]),
    kind: text('kind'),
    status: text('status'), // the registry's own status: 存续, 注销, …
    legalRepPersonId: text('legal_rep_person_id'),
    houseId: text('house_id'),
    industry: text('industry'),
    gridCode: text('grid_code'),
    provenance: jsonb('provenance').$type<Provenance>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('units_credit_code_idx').on(t.creditCode, t.id),
    index('units_name_idx').on(t.name, t.id),
    index('units_sign_names_idx').using('gin', t.signNames),
    index('units_house_idx').on(t.houseId),
    index('units_grid_idx').on(t.gridCode, t.id),
    index('units_legal_rep_idx').on(t.legalRepPersonId),
  ],
)

/** A grid (网格): polygon kept as GeoJSON so the embedded database can run point-in-polygon in JS. */
export const grids = pgTable(
  'grids',
  {
    code: text('code').primaryKey(),
    name: text('name'),
    communityCode: text('community_code'),
    polygon: jsonb('polygon').$type<{ type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }>(),
    minLng: doublePrecision('min_lng'),
    minLat: doublePrecision('min_lat'),
    maxLng: doublePrecision('max_lng'),
    maxLat: doublePrecision('max_lat'),
    workers: text('workers').array().notNull().default([]),
  },
  (t) => [
    index('grids_community_idx').on(t.communityCode),
    index('grids_bbox_idx').on(t.minLng, t.maxLng, t.minLat, t.maxLat),
  ],
)
