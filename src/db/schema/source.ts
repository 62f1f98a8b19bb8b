import { sql } from 'drizzle-orm'
import {
  bigserial,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { batches, type RowProblem } from './batches.ts'
import { sourceRecordRef } from './columns.ts'

/**
 * raw and data are json, not jsonb: raw must stay as sent (key order included), neither is searched by
 * key, and json only validates on COPY where jsonb re-encodes (most of a million-row load's server time).
 *
 * The current version of every record a department sent, keyed by (source, record_id).
 * `raw` is header → cell text exactly as read (unknown columns included): nothing sent is lost.
 */
export const sourceRecords = pgTable(
  'source_records',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    recordId: text('record_id').notNull(),
    // no foreign key: a per-row check costs COPY a third of its speed, and the ingest writes the batch
    // row first in the same transaction (docs/adr/0001-mention-indexes.md)
    batchId: text('batch_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    raw: json('raw').$type<Record<string, string>>().notNull(),
    data: json('data').$type<Record<string, unknown>>().notNull(),
    problems: jsonb('problems')
      .$type<RowProblem[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    rowHash: text('row_hash').notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('source_records_source_record_uq').on(t.source, t.recordId),
    index('source_records_batch_idx').on(t.batchId),
  ],
)

/** Earlier versions, moved here when a later batch updates the same (source, record_id). */
export const sourceRecordHistory = pgTable(
  'source_record_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceRecordId: sourceRecordRef('source_record_id')
      .notNull()
      .references(() => sourceRecords.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    batchId: text('batch_id')
      .notNull()
      .references(() => batches.id),
    rowNumber: integer('row_number').notNull(),
    raw: json('raw').$type<Record<string, string>>().notNull(),
    data: json('data').$type<Record<string, unknown>>().notNull(),
    problems: jsonb('problems')
      .$type<RowProblem[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    rowHash: text('row_hash').notNull(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
    replacedByBatch: text('replaced_by_batch')
      .notNull()
      .references(() => batches.id),
  },
  (t) => [uniqueIndex('source_record_history_version_uq').on(t.sourceRecordId, t.version)],
)
