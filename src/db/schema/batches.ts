import { sql } from 'drizzle-orm'
import {
  bigserial,
  doublePrecision,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'

/** One uploaded file. Refused batches are kept too, so a clerk can see why nothing was taken. */
export const batches = pgTable(
  'batches',
  {
    id: text('id').primaryKey(), // minted by us (ULID), so the CLI can print it before the load ends
    source: text('source').notNull(),
    fileName: text('file_name'),
    fileSha256: text('file_sha256'),
    format: text('format'),
    encoding: text('encoding'),
    status: text('status', { enum: ['committed', 'refused'] }).notNull(),
    rows: integer('rows').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    warnings: integer('warnings').notNull().default(0),
    refusedReason: text('refused_reason'),
    mappingHash: text('mapping_hash'),
    options: jsonb('options').$type<Record<string, unknown>>(),
    /** the API client that sent the file; null when an operator ingested it */
    uploadedBy: text('uploaded_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    seconds: doublePrecision('seconds'),
    /** when a match run took this batch's records in; null until then (the next incremental run's input) */
    matchedAt: timestamp('matched_at', { withTimezone: true }),
  },
  (t) => [index('batches_source_sha_idx').on(t.source, t.fileSha256)],
)

export interface RowProblem {
  column: string | null
  code: string
  severity: 'error' | 'warning'
  detail?: string
}

/** Rows a batch refused, kept with their raw cells so the clerk's report can be rebuilt later. */
export const refusedRows = pgTable(
  'refused_rows',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    batchId: text('batch_id')
      .notNull()
      .references(() => batches.id, { onDelete: 'cascade' }),
    rowNumber: integer('row_number').notNull(),
    recordId: text('record_id'),
    raw: json('raw').$type<Record<string, string>>().notNull(),
    problems: jsonb('problems')
      .$type<RowProblem[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
  },
  (t) => [index('refused_rows_batch_idx').on(t.batchId, t.rowNumber)],
)
