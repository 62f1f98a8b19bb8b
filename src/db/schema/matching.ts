import {
  bigint,
  boolean,
  bigserial,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { sourceRecordRef, timestamptz } from './columns.ts'

const entityType = () => text('entity_type', { enum: ['person', 'house', 'unit'] }).notNull()

/** The current golden id of each mention (source record × role). */
export const entityLinks = pgTable(
  'entity_links',
  {
    entityType: entityType(),
    sourceRecordId: sourceRecordRef('source_record_id').notNull(),
    role: text('role').notNull(),
    goldenId: text('golden_id').notNull(),
    probability: doublePrecision('probability'),
    method: text('method', { enum: ['rule', 'model', 'steward'] }).notNull(),
    modelVersion: text('model_version'),
    linkedAt: timestamptz('linked_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sourceRecordId, t.role] }),
    index('entity_links_golden_idx').on(t.entityType, t.goldenId),
  ],
)

/**
 * Every judgement on a pair of mentions, appended and never overwritten: clusters are derived
 * from the latest edge per pair, and a steward's edge outranks a model's. Callers store the pair
 * in a canonical order (left < right by source_record_id, then role).
 */
export const matchEdges = pgTable(
  'match_edges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: entityType(),
    leftSourceRecordId: sourceRecordRef('left_source_record_id').notNull(),
    leftRole: text('left_role').notNull(),
    rightSourceRecordId: sourceRecordRef('right_source_record_id').notNull(),
    rightRole: text('right_role').notNull(),
    judgement: text('judgement', { enum: ['positive', 'negative', 'unsure'] }).notNull(),
    score: doublePrecision('score'),
    weights: jsonb('weights').$type<Record<string, number>>(),
    who: text('who'),
    decidedAt: timestamptz('decided_at').notNull().defaultNow(),
    modelVersion: text('model_version'),
    source: text('source', { enum: ['model', 'steward'] }).notNull(),
  },
  (t) => [
    index('match_edges_pair_idx').on(
      t.entityType,
      t.leftSourceRecordId,
      t.leftRole,
      t.rightSourceRecordId,
      t.rightRole,
    ),
    index('match_edges_right_idx').on(t.rightSourceRecordId, t.rightRole),
    // every run reads the stewards' edges: a handful among millions of the model's
    index('match_edges_steward_idx')
      .on(t.entityType)
      .where(sql`${t.source} = 'steward'`),
  ],
)

/** A golden id merged away points to its survivor, so old ids held by clients keep resolving. */
export const goldenRedirects = pgTable(
  'golden_redirects',
  {
    entityType: entityType(),
    fromId: text('from_id').primaryKey(),
    toId: text('to_id').notNull(),
    reason: text('reason'),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('golden_redirects_to_idx').on(t.toId)],
)

/** Split (and merge) history: which golden id a new one came from. */
export const goldenLineage = pgTable(
  'golden_lineage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: entityType(),
    parentId: text('parent_id').notNull(),
    childId: text('child_id').notNull(),
    event: text('event', { enum: ['split', 'merge'] }).notNull(),
    decisionId: bigint('decision_id', { mode: 'number' }),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('golden_lineage_parent_idx').on(t.parentId), index('golden_lineage_child_idx').on(t.childId)],
)

/** What a steward decided and why; undo is a later decision pointing at this one. */
export const stewardDecisions = pgTable(
  'steward_decisions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entityType: entityType(),
    action: text('action').notNull(), // merge, split, must_link, cannot_link, unsure, undo
    subject: jsonb('subject').$type<Record<string, unknown>>().notNull(), // golden ids and/or mention refs
    reason: text('reason'),
    who: text('who').notNull(),
    at: timestamptz('at').notNull().defaultNow(),
    undoesDecisionId: bigint('undoes_decision_id', { mode: 'number' }),
    undoneAt: timestamptz('undone_at'),
  },
  (t) => [index('steward_decisions_at_idx').on(t.at)],
)

/**
 * Trained models, one row per version: the settings that made it and the fitted parameters (m, u, λ,
 * term frequencies). The active one scores incremental batches, so they agree with the last full run.
 */
export const matchModels = pgTable(
  'match_models',
  {
    version: text('version').primaryKey(),
    entityType: entityType(),
    settingsVersion: text('settings_version').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    trainedAt: timestamptz('trained_at').notNull().defaultNow(),
    active: boolean('active').notNull().default(false),
  },
  (t) => [index('match_models_active_idx').on(t.entityType, t.active)],
)

/**
 * The matcher's own blocking keys (hashed to 64 bits), so an incremental batch finds its candidates
 * by index without the mention tables carrying one index per rule (docs/adr/0001-mention-indexes.md).
 */
export const matchKeys = pgTable(
  'match_keys',
  {
    entityType: entityType(),
    keyHash: bigint('key_hash', { mode: 'bigint' }).notNull(),
    sourceRecordId: sourceRecordRef('source_record_id').notNull(),
    role: text('role').notNull(),
  },
  (t) => [
    index('match_keys_hash_idx').on(t.entityType, t.keyHash),
    index('match_keys_record_idx').on(t.sourceRecordId),
  ],
)

/**
 * One row per finished match run. The last one's start is the watermark of the next incremental run:
 * only records of batches finished since then can be new or changed.
 */
export const matchRuns = pgTable('match_runs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  mode: text('mode', { enum: ['full', 'incremental'] }).notNull(),
  startedAt: timestamptz('started_at').notNull(),
  finishedAt: timestamptz('finished_at').notNull().defaultNow(),
  summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
})
