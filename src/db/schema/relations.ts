import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core'
import { sourceRecordRef } from './columns.ts'

/*
 * Relations between golden records. Each row remembers the source record that stated it, so a
 * re-match can re-point it to the new golden ids. since/until are partial ISO dates (text).
 */

export const personHouses = pgTable(
  'person_houses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: text('person_id').notNull(),
    houseId: text('house_id').notNull(),
    relation: text('relation', { enum: ['resident', 'owner', 'tenant'] }).notNull(),
    since: text('since'),
    until: text('until'),
    sourceRecordId: sourceRecordRef('source_record_id'),
  },
  (t) => [
    index('person_houses_person_idx').on(t.personId),
    index('person_houses_house_idx').on(t.houseId),
    index('person_houses_record_idx').on(t.sourceRecordId),
  ],
)

export const personUnits = pgTable(
  'person_units',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: text('person_id').notNull(),
    unitId: text('unit_id').notNull(),
    relation: text('relation', { enum: ['legal_rep', 'operator', 'employee'] }).notNull(),
    since: text('since'),
    until: text('until'),
    sourceRecordId: sourceRecordRef('source_record_id'),
  },
  (t) => [
    index('person_units_person_idx').on(t.personId),
    index('person_units_unit_idx').on(t.unitId),
    index('person_units_record_idx').on(t.sourceRecordId),
  ],
)

export const unitHouses = pgTable(
  'unit_houses',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    unitId: text('unit_id').notNull(),
    houseId: text('house_id').notNull(),
    relation: text('relation').notNull().default('premises'),
    since: text('since'),
    until: text('until'),
    sourceRecordId: sourceRecordRef('source_record_id'),
  },
  (t) => [
    index('unit_houses_unit_idx').on(t.unitId),
    index('unit_houses_house_idx').on(t.houseId),
    index('unit_houses_record_idx').on(t.sourceRecordId),
  ],
)
