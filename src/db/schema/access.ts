import { sql } from 'drizzle-orm'
import { bigint, bigserial, customType, index, pgTable, text } from 'drizzle-orm/pg-core'
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
     * the per-person index nothing; migration 0009 also compresses record_ids with LZ4 where the server can.
     */
    recordRange: idRange('record_range'),
    reason: text('reason'),
    purpose: text('purpose'),
    requestId: text('request_id'),
  },
  (t) => [
    index('access_log_at_idx').on(t.at),
    index('access_log_client_idx').on(t.clientId, t.at),
    // the auditor's "who read this record": entries of a few ids through access_log_postings (built in bulk,
    // src/jobs/access-log-indexing.ts), runs of ids by their range, then record_ids itself
    index('access_log_record_range_idx')
      .using('gist', t.recordRange)
      .where(sql`${t.recordRange} is not null`),
  ],
)

/**
 * The access log's index by person, built in bulk a second behind the log: each row holds a key for each
 * distinct id that the entries lo..hi (access_log.id, inclusive) read, leaving out runs (record_range),
 * which their range finds. A GIN index on the log itself rewrote a person's posting list at every read of
 * them, ~20 KB of WAL for a page of 20 persons, on the lookup's path; here a person costs one key per row
 * however often they were read in it, and no lookup waits for it. Entries above the highest hi are not
 * indexed yet and are searched directly (access-log-repository.ts). Derived from the log, so not
 * append-only: the retention purge drops rows whose entries are gone.
 */
export const accessLogPostings = pgTable(
  'access_log_postings',
  {
    lo: bigint('lo', { mode: 'number' }).notNull(),
    hi: bigint('hi', { mode: 'number' }).primaryKey(),
    /**
     * hashtextextended(id, 0) of each id: 8 bytes a key where the id's text took ~19 compressed, and
     * integers compare without the collation. A collision only brings an entry to the query's check
     * against record_ids itself, which drops it.
     */
    recordKeys: bigint('record_keys', { mode: 'bigint' }).array().notNull(),
  },
  (t) => [index('access_log_postings_keys_idx').using('gin', t.recordKeys).with({ fastupdate: false })],
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
