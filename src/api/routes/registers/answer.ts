import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EntityType } from '../../../../schemas/mentions.ts'
import { SanshiError } from '../../../errors.ts'
import { clientOf } from '../../plugins/app/auth.ts'
import { assertCan, type Client } from '../../policy/index.ts'
import { getRecord, selectRecords, type Viewed, viewRecords } from '../../registers/read.ts'
import { relationsOf, sourcesOf } from '../../registers/relations.ts'
import type { Condition } from '../../registers/lookups.ts'
import { accessLogOf } from '../../repositories/access-log-batcher.ts'

/**
 * The one way a register route answers: the policy allows the type (403 for a type the client never
 * reads, whatever the id), the scoped query finds the rows, the field view shapes them, and every person
 * served — as a record or named in a relation — is written to the access log before the answer leaves.
 */

const MAX_PURPOSE = 200

/** Why the caller says it reads (X-Purpose, percent-encoded UTF-8), for the access log; null if it did not say. */
export const purposeOf = (request: FastifyRequest): string | null => {
  const header = request.headers['x-purpose']
  const raw = Array.isArray(header) ? header[0] : header
  if (!raw) return null
  try {
    return decodeURIComponent(raw).slice(0, MAX_PURPOSE)
  } catch {
    return raw.slice(0, MAX_PURPOSE)
  }
}

const includes = (include: string | undefined, what: 'sources' | 'relations'): boolean =>
  include?.split(',').includes(what) ?? false

async function logPersons(
  app: FastifyInstance,
  request: FastifyRequest,
  client: Client,
  scope: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return
  await accessLogOf(app.db).write({
    clientId: client.id,
    scope,
    entityType: 'person',
    recordIds: ids,
    reason: `${request.method} ${request.routeOptions.url ?? ''}`,
    purpose: purposeOf(request),
    requestId: request.id,
  })
}

/** Sources and relations, as asked for and as the scope allows; returns the persons the relations name. */
async function extend(
  app: FastifyInstance,
  client: Client,
  entity: EntityType,
  items: Viewed[],
  include: string | undefined,
): Promise<string[]> {
  const named: string[] = []
  for (const item of items) {
    if (includes(include, 'sources')) item.sources = await sourcesOf(app.db, entity, item.id)
    if (includes(include, 'relations')) {
      const { relations, personIds } = await relationsOf(app.db, client, entity, item.id)
      item.relations = relations
      named.push(...personIds)
    }
  }
  return named
}

export interface ListArgs {
  limit: number
  after?: string | undefined
  include?: string | undefined
}

/** A page of records matching a condition; keyset by id unless the condition orders by relevance. */
export async function answerList(
  app: FastifyInstance,
  request: FastifyRequest,
  entity: EntityType,
  cond: Condition,
  args: ListArgs,
): Promise<{ items: Viewed[]; next: string | null }> {
  const client = clientOf(request)
  const scope = assertCan(client, 'read', { entity })
  const ranked = cond.orderBy !== undefined
  const rows = await selectRecords(app.db, client, entity, {
    where: cond.where,
    params: cond.params,
    orderBy: cond.orderBy,
    planOnce: cond.planOnce,
    after: ranked ? null : args.after,
    limit: args.limit + 1,
  })
  const page = rows.slice(0, args.limit)
  const items = await viewRecords(app.db, client, entity, page)
  const named = await extend(app, client, entity, items, args.include)
  await logPersons(
    app,
    request,
    client,
    scope,
    entity === 'person' ? [...items.map((i) => i.id), ...named] : named,
  )
  return { items, next: !ranked && rows.length > args.limit ? (page[page.length - 1]!.id as string) : null }
}

/** One record by golden id (a merged-away id answers with its survivor); 404 alike for absent and out of scope. */
export async function answerOne(
  app: FastifyInstance,
  request: FastifyRequest,
  entity: EntityType,
  id: string,
  include: string | undefined,
): Promise<Viewed> {
  const client = clientOf(request)
  const scope = assertCan(client, 'read', { entity })
  const record = await getRecord(app.db, client, entity, id)
  if (!record) throw new SanshiError('SANSHI404', `no ${entity} ${id}`)
  const [item] = await viewRecords(app.db, client, entity, [record])
  const named = await extend(app, client, entity, [item!], include)
  await logPersons(app, request, client, scope, entity === 'person' ? [item!.id, ...named] : named)
  return item!
}
