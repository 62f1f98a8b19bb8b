import type { FastifyInstance } from 'fastify'
import { SanshiError } from '../../../errors.ts'
import { ingestFile } from '../../../ingest/index.ts'
import { clientOf } from '../../plugins/app/auth.ts'
import { assertCan } from '../../policy/index.ts'
import { jsonSchema } from '../../schema.ts'
import { oneAtATime } from '../../uploads/one-at-a-time.ts'
import { receiveUpload } from '../../uploads/receive-upload.ts'
import { UploadAnswer, UploadBody } from './schemas.ts'

export interface UploadRouteOptions {
  maxUploadBytes: number
}

/** The clerk's upload: one file in, its batch summary back at once. */
export const uploadRoute = async (app: FastifyInstance, opts: UploadRouteOptions): Promise<void> => {
  const queue = oneAtATime()
  app.post(
    '/batches',
    {
      schema: {
        tags: ['batches'],
        summary: "Upload a department's export as a batch",
        description:
          'Streams the file to disk, works out its source (the source field, else the file name, else the headers), checks the client uploads that source, and ingests it. 201 with the summary; 200 when the identical file was already taken.',
        response: { 200: jsonSchema(UploadAnswer, 'output'), 201: jsonSchema(UploadAnswer, 'output') },
      },
      config: { openapiBody: UploadBody },
    },
    async (request, reply) => {
      const client = clientOf(request)
      // refuse before reading the body when no source at all is open to this client
      if (client.upload.length === 0)
        throw new SanshiError('SANSHI401', `client ${client.id} uploads no sources`)
      const upload = await receiveUpload(request, opts.maxUploadBytes)
      try {
        // the source is worked out as any ingest does (field, file name, headers); the right to upload
        // it is checked before anything is written
        const s = await queue(() =>
          ingestFile(app.db, upload.path, {
            ...app.ingest,
            source: upload.fields.source,
            uploadedBy: client.id,
            authorize: (source) => assertCan(client, 'upload', { source }),
            // a client that sees only some grids may only send records of those grids
            allowedGrids: client.person.rows === 'grids' ? client.grids : undefined,
          }),
        )
        request.log.info(
          { batchId: s.batchId, source: s.source, status: s.status, rows: s.rows },
          'batch uploaded',
        )
        reply.code(s.status === 'unchanged' ? 200 : 201)
        return {
          batchId: s.batchId,
          source: s.source,
          file: s.file,
          status: s.status,
          rows: s.rows,
          accepted: s.accepted,
          rejected: s.rejected,
          warnings: s.warnings,
          inserted: s.inserted,
          updated: s.updated,
          unchanged: s.unchanged,
          seconds: s.seconds,
          message: s.message ?? null,
        }
      } finally {
        await upload.dispose()
      }
    },
  )
}
