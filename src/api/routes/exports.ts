import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { EXPORT_FORMATS, exportStream } from '../exports/index.ts'
import { clientOf } from '../plugins/app/auth.ts'
import { assertCan } from '../policy/index.ts'
import { EXPORT_PATHS, exportColumns, exportPages } from '../registers/export.ts'
import { jsonSchema } from '../schema.ts'
import { purposeOf } from './registers/answer.ts'

const ExportParams = z.object({ entity: z.enum(['persons', 'houses', 'units', 'relations']) })
const ExportQuery = z.object({ format: z.enum(['csv', 'xlsx', 'arrow']).default('csv') })

/**
 * GET /v1/exports/{entity}: everything of a register the client sees, streamed in constant memory; the
 * same bytes as `sanshi export ENTITY --as CLIENT`.
 */
export const exportRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/exports/:entity',
    {
      schema: {
        tags: ['exports'],
        summary: 'Every person, house, unit or relation in your scope, as CSV, XLSX or an Arrow IPC stream',
        description:
          "Rows and fields as your scope allows them (hidden fields are not columns; masked ones are masked). Relations are pairs of golden ids whose both ends you see. Streamed: memory stays flat whatever the size. Every person exported is written to the access log with X-Purpose. CSV: UTF-8 with BOM, lists joined with ;, cells that look like formulas prefixed with '. See docs/exports.md.",
        params: jsonSchema(ExportParams),
        querystring: jsonSchema(ExportQuery),
      },
    },
    async (request, reply) => {
      const client = clientOf(request)
      const { entity: path } = ExportParams.parse(request.params)
      const { format } = ExportQuery.parse(request.query)
      const entity = EXPORT_PATHS[path]!
      const scope = assertCan(client, 'export', { entity })
      const pages = exportPages(app.db, client, entity, {
        scope,
        purpose: purposeOf(request),
        requestId: request.id,
        reason: `GET /v1/exports/${path}`,
      })
      const stream = exportStream(format, exportColumns(client, entity), pages, { sheetName: path })
      const { contentType, extension } = EXPORT_FORMATS[format]
      return reply
        .header('content-type', contentType)
        .header('content-disposition', `attachment; filename="${path}.${extension}"`)
        .send(stream)
    },
  )
}
