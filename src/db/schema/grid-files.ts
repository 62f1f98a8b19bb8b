import { bigserial, doublePrecision, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'
import { grids } from './golden.ts'

/*
 * What `sanshi grids import` was told, kept apart from the golden tables: a full match rewrites houses
 * and addresses whole, and src/match/grid-assignment/ applies these again afterwards. Keys are the
 * address parser's, as the file spelt the place; the matcher's compound aliases apply at assignment, so
 * a later batch that teaches one (颐和名苑 is 应天大街5号) needs no re-import.
 * level: house (a room) | building | site (a compound or a door number, everything behind it).
 */

/** The places each grid covers (a coverage list's rows): the finest level wins, then the latest row. */
export const gridCoverage = pgTable(
  'grid_coverage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    gridCode: text('grid_code')
      .notNull()
      .references(() => grids.code, { onDelete: 'cascade' }),
    level: text('level', { enum: ['house', 'building', 'site'] }).notNull(),
    key: text('key').notNull(),
    file: text('file'),
    row: integer('row'),
    importedAt: timestamptz('imported_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('grid_coverage_place_uq').on(t.level, t.key),
    index('grid_coverage_grid_idx').on(t.gridCode),
  ],
)

/** Coordinates of standard addresses (a standard-address list, or 经度/纬度 beside a coverage row). */
export const addressPoints = pgTable(
  'address_points',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    level: text('level', { enum: ['house', 'building', 'site'] }).notNull(),
    key: text('key').notNull(),
    lng: doublePrecision('lng').notNull(),
    lat: doublePrecision('lat').notNull(),
    file: text('file'),
    row: integer('row'),
    importedAt: timestamptz('imported_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('address_points_place_uq').on(t.level, t.key)],
)
