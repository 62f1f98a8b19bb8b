import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { shared } from '../shared.ts'

export interface MultipartOptions extends Record<string, unknown> {
  maxUploadBytes: number
}

/** One file per request, a few short fields; past maxUploadBytes the stream fails with 413. */
export const multipartPlugin = shared(
  'sanshi-multipart',
  async (app: FastifyInstance, opts: MultipartOptions) => {
    await app.register(multipart, {
      limits: {
        fileSize: opts.maxUploadBytes,
        files: 1,
        fields: 4,
        fieldSize: 1024,
        parts: 6,
        headerPairs: 100,
      },
      throwFileSizeLimit: true,
    })
  },
)
