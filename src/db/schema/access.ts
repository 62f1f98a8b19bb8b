import { sql } from 'drizzle-orm'
import { bigserial, customType, index, pgTable, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/**
 * A range of golden ids in byte order (a range type over text with collation "C", created by migration
 * 0009), read and written as its text: [P01…,P09…].
 */
const idRange = customType<{ data: string }>({ dataType: () => 'access_id_range' })

/**
 * Every read of a person is written here: who, with which scope, which records, when, why (the
 * client's stated purpose) and how (the hub's reason: the route and what it served; the request id
 * ties the entry to the server log). Append-only: a trigger (migration 0005) refuses UPDATE, TRUNCATE
 * and any DELETE but the retention purge's (src/jobs/access-log-retention.ts).
 */
export const accessLog = pgTable(
  'access_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamptz('at').notNull().defaultNow(),
    clientId: text('client_id').notNull(),
    scope: text('scope').notNull(),
    entityType: text('entity_type').notNull(),
    recordIds: text('record_ids').array().notNull().default([]),
    /**
     * For an entry of a run of ids in order (an export's page): the lowest and highest of record_ids.
     * Such an entry is found by this range and then by record_ids itself, so a million exported ids cost
     * the GIN index nothing; migration 0009 also compresses record_ids with LZ4 where the server can.
     */
    recordRange: idRange('record_range'),
    reason: text('reason'),
    purpose: text('purpose'),
    requestId: text('request_id'),
  },
  (t) => [
    index('access_log_at_idx').on(t.at),
    index('access_log_client_idx').on(t.clientId, t.at),
    // the auditor's "who read this record": record_ids @> ARRAY[id], or the range holds it (then record_ids)
    // fastupdate off: a pending list flushed by whichever insert fills it stalls every lookup waiting on that insert
    index('access_log_record_ids_idx')
      .using('gin', t.recordIds)
      .with({ fastupdate: false })
      .where(sql`${t.recordRange} is null`),
    index('access_log_record_range_idx')
      .using('gist', t.recordRange)
      .where(sql`${t.recordRange} is not null`),
  ],
)

/** API keys, stored only as hashes. */
export const apiKeys = pgTable(
  'api_keys',
  {
    keyHash: text('key_hash').primaryKey(),
    clientId: text('client_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
    /** what minted it: 'demo' keys are revoked when the demo mints new ones */
    label: text('label'),
  },
  (t) => [index('api_keys_client_idx').on(t.clientId)],
)
