import type { FastifyInstance } from 'fastify'
import { readRoutes } from './read.ts'
import { type UploadRouteOptions, uploadRoute } from './upload.ts'

export const batchesRoutes = async (app: FastifyInstance, opts: UploadRouteOptions): Promise<void> => {
  await app.register(uploadRoute, opts)
  await app.register(readRoutes)
}
