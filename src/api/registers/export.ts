import { z } from 'zod'
import type { EntityType } from '../../../schemas/mentions.ts'
import { RECORD_SCHEMAS } from '../../../schemas/registers.ts'
import type { Database } from '../../db/index.ts'
import { copyTextPages } from '../../db/copy-out.ts'
import type { ColumnPage, TextVector } from '../exports/column-page.ts'
import type { ExportColumn, ExportColumnType, ExportPage, ExportRow } from '../exports/index.ts'
import { type Client, ENTITY_TABLES, fieldView, rowsCondition } from '../policy/index.ts'
import { accessLogOf } from '../repositories/access-log-batcher.ts'
import { cursorPages } from '../../db/cursor.ts'
import { copyColumns, type CopyPlan, copyPlan } from './export-copy.ts'
import { REGISTERS } from './records.ts'
import { scopedSelect, selectRecords, viewRecords } from './read.ts'

/**
 * What an export holds: every record of a register the client sees, as the client sees it, a page at a
 * time — the same scoped reads and field views as the lookups, so an export can never show more than the
 * routes. Hidden fields are not even columns. Relations export as pairs of golden ids, only where the
 * client sees both ends. Every page of persons is written to the access log before it is handed on.
 */

export type ExportEntity = EntityType | 'relations'
/** The name of each export in a URL or a command: /v1/exports/persons, sanshi export persons. */
export const EXPORT_PATHS: Readonly<Record<string, ExportEntity>> = {
  persons: 'person',
  houses: 'house',
  units: 'unit',
  relations: 'relations',
}

const PAGE = 5_000

/** The export type of a field, from its zod schema: arrays are lists, numbers floats, dates text. */
const columnType = (schema: z.ZodType): ExportColumnType => {
  const inner = schema instanceof z.ZodNullable ? (schema.unwrap() as z.ZodType) : schema
  if (inner instanceof z.ZodArray) return 'text[]'
  if (inner instanceof z.ZodBoolean) return 'boolean'
  if (inner instanceof z.ZodNumber) return 'float'
  return 'text'
}

/** The columns the client may see of a register, in the schema's order. */
export function exportColumns(client: Client, entity: ExportEntity): ExportColumn[] {
  if (entity === 'relations') return RELATION_COLUMNS
  const shape = RECORD_SCHEMAS[entity].shape as Record<string, z.ZodType>
  return Object.entries(shape)
    .filter(([name]) => fieldView(client, entity, name) !== 'hidden')
    .map(([name, schema]) => ({ name, type: columnType(schema) }))
}

export interface ExportContext {
  /** the scope that allowed the export, for the access log */
  scope: string
  purpose: string | null
  requestId: string | null
  /** route or command, for the access log */
  reason: string
}

/**
 * A register's rows in scope, by golden id, a page at a time. On PostgreSQL from one cursor: a single plan
 * for the whole register instead of a keyset query per page (a million persons: seconds, not minutes).
 * The embedded database has one connection, which a cursor would hold while each page is viewed and
 * logged through that same connection: there, pages are read by keyset.
 */
async function* scopedRows(
  db: Database,
  client: Client,
  entity: EntityType,
): AsyncGenerator<Record<string, unknown>[]> {
  const reg = REGISTERS[entity]
  if (db.kind === 'postgres') {
    const select = scopedSelect(client, entity, 'true', [])
    if (!select) return
    for await (const rows of cursorPages(db, `${select.sql} order by t.id`, select.params, PAGE))
      yield rows.map((r) => reg.toRecord(r) as unknown as Record<string, unknown>)
    return
  }
  let after: string | null = null
  for (;;) {
    const rows = await selectRecords(db, client, entity, { where: 'true', params: [], after, limit: PAGE })
    if (rows.length === 0) return
    yield rows
    if (rows.length < PAGE) return
    after = rows[rows.length - 1]!.id as string
  }
}

/** A register's records in scope, as the client sees them, in pages of 5,000. */
export function registerPages(
  db: Database,
  client: Client,
  entity: EntityType,
  ctx: ExportContext,
): AsyncGenerator<ExportPage> {
  const plan = db.copyOut ? copyPlan(client, entity, exportColumns(client, entity)) : null
  return plan ? copiedPages(db, client, entity, ctx, plan) : recordPages(db, client, entity, ctx)
}

/** Pages read and logged ahead of the one being written: the database works on them meanwhile. */
const AHEAD = 2

/**
 * A register's pages from one COPY on PostgreSQL, laid out by column straight from its text. The next
 * pages are read, and their persons logged, while this one is written; a page is still handed on only
 * once its persons are in the access log. A reader that stops early may leave a logged page unsent.
 */
async function* copiedPages(
  db: Database,
  client: Client,
  entity: EntityType,
  ctx: ExportContext,
  plan: CopyPlan,
): AsyncGenerator<ColumnPage> {
  const source = copyTextPages(db.copyOut!(plan.sql), plan.fields, PAGE)
  const idColumn = exportColumns(client, entity).findIndex((c) => c.name === 'id')
  // one read at a time from the source, each starting when the one before has ended
  let last: Promise<unknown> = Promise.resolve()
  const read = (): Promise<{ page: ColumnPage; logged: Promise<void> } | null> => {
    const next = last.then(async () => {
      const text = await source.next()
      if (text.done) return null
      const page = copyColumns(plan, text.value)
      const logged =
        entity === 'person' ? logPersons(db, client, ctx, idsOf(page, idColumn)) : Promise.resolve()
      logged.catch(() => {}) // awaited before the page is handed on
      return { page, logged }
    })
    last = next.catch(() => {})
    return next
  }
  const queue = Array.from({ length: AHEAD }, read)
  try {
    for (;;) {
      const ready = await queue.shift()!
      if (ready === null) return
      queue.push(read())
      await ready.logged
      yield ready.page
    }
  } finally {
    // let reads in flight settle (their log writes too), then end the COPY
    await Promise.allSettled(queue.map((p) => p.then((r) => r?.logged)))
    await source.return(undefined)
  }
}

const idsOf = (page: ColumnPage, column: number): string[] => {
  const ids = page.vectors[column] as TextVector
  const out: string[] = new Array<string>(page.length)
  const data = Buffer.from(ids.data.buffer, ids.data.byteOffset, ids.data.length)
  for (let i = 0; i < page.length; i++) out[i] = data.toString('utf8', ids.offsets[i], ids.offsets[i + 1])
  return out
}

async function* recordPages(
  db: Database,
  client: Client,
  entity: EntityType,
  ctx: ExportContext,
): AsyncGenerator<readonly ExportRow[]> {
  for await (const records of scopedRows(db, client, entity)) {
    const page = await viewRecords(db, client, entity, records)
    if (entity === 'person')
      await logPersons(
        db,
        client,
        ctx,
        page.map((r) => r.id),
      )
    yield page
  }
}

const RELATION_COLUMNS: ExportColumn[] = [
  { name: 'kind', type: 'text' },
  { name: 'fromType', type: 'text' },
  { name: 'fromId', type: 'text' },
  { name: 'relation', type: 'text' },
  { name: 'toType', type: 'text' },
  { name: 'toId', type: 'text' },
  { name: 'since', type: 'date' },
  { name: 'until', type: 'date' },
]

const RELATION_TABLES = [
  { kind: 'person_house', table: 'person_houses', from: ['person', 'person_id'], to: ['house', 'house_id'] },
  { kind: 'person_unit', table: 'person_units', from: ['person', 'person_id'], to: ['unit', 'unit_id'] },
  { kind: 'unit_house', table: 'unit_houses', from: ['unit', 'unit_id'], to: ['house', 'house_id'] },
] as const

/**
 * Relations between golden records both of which the client sees, one line per distinct relation (several
 * source records stating one relation give one line, with the widest since–until).
 */
export async function* relationPages(
  db: Database,
  client: Client,
  ctx: ExportContext,
): AsyncGenerator<readonly ExportRow[]> {
  for (const r of RELATION_TABLES) {
    const [fromType, fromCol] = r.from
    const [toType, toCol] = r.to
    const params: unknown[] = []
    const fromScope = rowsCondition(client, fromType, 'f', params)
    const toScope = rowsCondition(client, toType, 'o', params)
    if (fromScope === 'false' || toScope === 'false') continue
    const fromTable = ENTITY_TABLES[fromType]
    const toTable = ENTITY_TABLES[toType]
    let after: [string, string, string] = ['', '', '']
    for (;;) {
      const at = params.length
      const rows = await db.query<{
        a: string
        b: string
        relation: string
        since: string | null
        until: string | null
      }>(
        `select x.${fromCol} as a, x.${toCol} as b, x.relation, min(x.since) as since,
                case when bool_or(x.until is null) then null else max(x.until) end as until
           from ${r.table} x
           join ${fromTable} f on f.id = x.${fromCol}
           join ${toTable} o on o.id = x.${toCol}
          where ${fromScope} and ${toScope}
            and (x.${fromCol}, x.${toCol}, x.relation) > ($${at + 1}, $${at + 2}, $${at + 3})
          group by 1, 2, 3
          order by 1, 2, 3
          limit ${PAGE}`,
        [...params, ...after],
      )
      if (rows.length === 0) break
      const page = rows.map((x) => ({
        kind: r.kind,
        fromType,
        fromId: x.a,
        relation: x.relation,
        toType,
        toId: x.b,
        since: x.since,
        until: x.until,
      }))
      // only person_* relations name persons, always on their from side, once per relation
      if (fromType === 'person') await logPersons(db, client, ctx, [...new Set(page.map((p) => p.fromId))])
      yield page
      if (rows.length < PAGE) break
      const last = rows[rows.length - 1]!
      after = [last.a, last.b, last.relation]
    }
  }
}

/** Logs a page's persons, each id once (a register's page holds each record once). */
async function logPersons(
  db: Database,
  client: Client,
  ctx: ExportContext,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return
  await accessLogOf(db).write({
    clientId: client.id,
    scope: ctx.scope,
    entityType: 'person',
    recordIds: ids,
    // a page's ids are a run in id order (relations: of their from side)
    ranged: true,
    reason: ctx.reason,
    purpose: ctx.purpose,
    requestId: ctx.requestId,
  })
}

/** The pages of an export, whichever entity. */
export const exportPages = (
  db: Database,
  client: Client,
  entity: ExportEntity,
  ctx: ExportContext,
): AsyncGenerator<ExportPage> =>
  entity === 'relations' ? relationPages(db, client, ctx) : registerPages(db, client, entity, ctx)
