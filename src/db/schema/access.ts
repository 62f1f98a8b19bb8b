import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

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
    reason: text('reason'),
    purpose: text('purpose'),
    requestId: text('request_id'),
  },
  (t) => [
    index('access_log_at_idx').on(t.at),
    index('access_log_client_idx').on(t.clientId, t.at),
    // the auditor's "who read this record": record_ids @> ARRAY[id]
    index('access_log_record_ids_idx').using('gin', t.recordIds),
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
