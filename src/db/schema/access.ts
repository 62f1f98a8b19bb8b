import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/** Every read of a person is written here: who, with which scope, which records, when, why. */
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
  },
  (t) => [index('access_log_at_idx').on(t.at), index('access_log_client_idx').on(t.clientId, t.at)],
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
