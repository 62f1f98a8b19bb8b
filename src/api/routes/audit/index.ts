import type { FastifyInstance } from 'fastify'
import { clientOf } from '../../plugins/app/auth.ts'
import { assertCan } from '../../policy/index.ts'
import { type AccessFilter, listAccess } from '../../repositories/access-log-repository.ts'
import { jsonSchema } from '../../schema.ts'
import { accessLogCsv } from './csv.ts'
import { AuditPage, AuditQuery, decodeCursor, encodeCursor } from './schemas.ts'

const filterOf = (q: AuditQuery): AccessFilter => ({
  clientId: q.client,
  entityType: q.entity_type,
  recordId: q.record_id,
  from: q.from === undefined ? undefined : new Date(q.from),
  to: q.to === undefined ? undefined : new Date(q.to),
  purpose: q.purpose,
})

/** The auditor's side of the access log: who read which records, when, why. */
export const auditRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The access log: every read of a person record, newest first',
        description:
          "Only for clients with audit: true (403 otherwise). Filters combine: client, entity_type, record_id (entries that include this golden id), from (inclusive) / to (exclusive) as ISO times with an offset, purpose (a part of it, any case). Pages of up to 1000 entries: pass next as after. format=csv returns every selected entry as one file (UTF-8 with BOM; cells that look like formulas are prefixed with ').",
        querystring: jsonSchema(AuditQuery),
        produces: ['application/json', 'text/csv; charset=utf-8'],
        response: { 200: jsonSchema(AuditPage, 'output') },
      },
    },
    async (request, reply) => {
      assertCan(clientOf(request), 'audit')
      const q = AuditQuery.parse(request.query)
      const filter = filterOf(q)
      if (q.format === 'csv')
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="access-log.csv"')
          .send(accessLogCsv(app.db, filter))
      const rows = await listAccess(app.db, filter, {
        beforeId: q.after === undefined ? undefined : decodeCursor(q.after),
        limit: q.limit + 1,
      })
      const items = rows.slice(0, q.limit)
      return { items, next: rows.length > q.limit ? encodeCursor(items[items.length - 1]!.id) : null }
    },
  )
}
