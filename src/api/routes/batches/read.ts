import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type ProblemCode, problemMessage } from '../../../../schemas/problem.ts'
import { SanshiError } from '../../../errors.ts'
import { exportRefused } from '../../../ingest/refused-export.ts'
import { clientOf } from '../../plugins/app/auth.ts'
import { assertCan, type Client, can } from '../../policy/index.ts'
import { logAccess } from '../../repositories/access-log-repository.ts'
import {
  type BatchView,
  firstRefusedRows,
  getBatch,
  listBatches,
} from '../../repositories/batches-repository.ts'
import { jsonSchema, pickLang } from '../../schema.ts'
import { BatchDetail, BatchList, BatchParams, DetailQuery, ListQuery, RefusedQuery } from './schemas.ts'

const SHOWN_REFUSED_ROWS = 100

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const

/** The batch, if it exists (404) and the client may see it (403). */
const visibleBatch = async (app: FastifyInstance, client: Client, id: string): Promise<BatchView> => {
  const batch = await getBatch(app.db, id)
  if (!batch) throw new SanshiError('SANSHI404', `no batch ${id}`)
  assertCan(client, 'read-batch', { source: batch.source })
  return batch
}

const lang = (request: FastifyRequest, query: 'zh' | 'en' | undefined) =>
  pickLang(query, request.headers['accept-language'])

export const readRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/batches',
    {
      schema: {
        tags: ['batches'],
        summary: 'The batches this client may see, newest first',
        description:
          'Those of the sources it uploads; clients with batches: all see every batch. Pass next as cursor for the following page.',
        querystring: jsonSchema(ListQuery),
        response: { 200: jsonSchema(BatchList, 'output') },
      },
    },
    async (request) => {
      const client = clientOf(request)
      const q = ListQuery.parse(request.query)
      const rows = await listBatches(app.db, {
        sources: client.batches === 'all' ? null : client.upload,
        source: q.source,
        before: q.cursor,
        limit: q.limit,
      })
      const items = rows.slice(0, q.limit)
      return { items, next: rows.length > q.limit ? items[items.length - 1]!.batchId : null }
    },
  )

  app.get(
    '/batches/:id',
    {
      schema: {
        tags: ['batches'],
        summary: "A batch's summary, with the reasons of its first 100 refused rows",
        description:
          'Refused rows are shown only to a client that uploads the batch source; each such read is written to the access log. Messages in ?lang= or Accept-Language (zh by default).',
        params: jsonSchema(BatchParams),
        querystring: jsonSchema(DetailQuery),
        response: { 200: jsonSchema(BatchDetail, 'output') },
      },
    },
    async (request) => {
      const client = clientOf(request)
      const { id } = BatchParams.parse(request.params)
      const q = DetailQuery.parse(request.query)
      const batch = await visibleBatch(app, client, id)
      const decision = can(client, 'read-refused', { source: batch.source, uploadedBy: batch.uploadedBy })
      if (!decision.allowed) return { ...batch, refused: null }
      const rows = batch.rejected > 0 ? await firstRefusedRows(app.db, id, SHOWN_REFUSED_ROWS) : []
      if (rows.length > 0)
        await logAccess(app.db, {
          clientId: client.id,
          scope: decision.scope,
          entityType: 'refused_rows',
          recordIds: [id],
          reason: q.reason ?? 'GET /v1/batches/{id}: refused rows shown to the sending department',
        })
      const l = lang(request, q.lang)
      const problems = rows.flatMap((r) =>
        r.problems.map((p) => ({
          row: r.row,
          column: p.column,
          code: p.code,
          severity: p.severity,
          message: problemMessage({ code: p.code as ProblemCode, detail: p.detail }, l),
        })),
      )
      return { ...batch, refused: { total: batch.rejected, shownRows: rows.length, problems } }
    },
  )

  app.get(
    '/batches/:id/refused',
    {
      schema: {
        tags: ['batches'],
        summary: "Download a batch's refused rows as sent, with the reason beside each",
        description:
          'Only for a client that uploads the batch source; written to the access log. The file can be fixed and uploaded again.',
        params: jsonSchema(BatchParams),
        querystring: jsonSchema(RefusedQuery),
        produces: [CONTENT_TYPES.csv, CONTENT_TYPES.xlsx],
      },
    },
    async (request, reply) => {
      const client = clientOf(request)
      const { id } = BatchParams.parse(request.params)
      const q = RefusedQuery.parse(request.query)
      const batch = await visibleBatch(app, client, id)
      const scope = assertCan(client, 'read-refused', { source: batch.source, uploadedBy: batch.uploadedBy })
      const dir = await mkdtemp(join(tmpdir(), 'sanshi-refused-'))
      const out = join(dir, `${id}.refused.${q.format}`)
      try {
        await exportRefused(app.db, id, out, q.format, lang(request, q.lang))
        await logAccess(app.db, {
          clientId: client.id,
          scope,
          entityType: 'refused_rows',
          recordIds: [id],
          reason:
            q.reason ?? 'GET /v1/batches/{id}/refused: refused rows downloaded by the sending department',
        })
      } catch (e) {
        await rm(dir, { recursive: true, force: true })
        throw e
      }
      const stream = createReadStream(out)
      stream.on('close', () => void rm(dir, { recursive: true, force: true }))
      return reply
        .type(CONTENT_TYPES[q.format])
        .header('content-disposition', `attachment; filename="${batch.source}.${id}.refused.${q.format}"`)
        .send(stream)
    },
  )
}
