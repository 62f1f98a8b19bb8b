import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { allMappings, type Mapping } from '../../connectors/index.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/index.ts'
import { ulid } from '../ids.ts'
import { authPlugin } from './plugins/app/auth.ts'
import { databasePlugin } from './plugins/app/database.ts'
import { policyPlugin } from './plugins/app/policy.ts'
import { errorsPlugin } from './plugins/errors.ts'
import { corsPlugin } from './plugins/external/cors.ts'
import { helmetPlugin } from './plugins/external/helmet.ts'
import { multipartPlugin } from './plugins/external/multipart.ts'
import { rateLimitPlugin, rateLimitsFrom } from './plugins/external/rate-limit.ts'
import { swaggerPlugin } from './plugins/external/swagger.ts'
import type { ClientRegistry } from './policy/index.ts'
import { auditRoutes } from './routes/audit/index.ts'
import { batchesRoutes } from './routes/batches/index.ts'
import { exportRoutes } from './routes/exports.ts'
import { healthRoutes } from './routes/health.ts'
import { registerRoutes } from './routes/registers/index.ts'

export interface AppOptions {
  db: Database
  clients: ClientRegistry
  config: Config
  /** formats the uploads may be in; default: the built-in connectors */
  mappings?: readonly Mapping[]
  /** pino options (see logging.ts), or false for none (tests) */
  logger?: FastifyServerOptions['logger']
}

/**
 * Builds the hub's HTTP app, in layers as fastify/demo does: the central error handler, then
 * external plugins (OpenAPI, multipart), then the application's (database, policy, auth), then the
 * routes. It does not listen (server.ts does) so tests drive it with inject().
 */
export const buildApp = async (opts: AppOptions): Promise<FastifyInstance> => {
  const { config } = opts
  const maxUploadBytes = Math.round(config.SANSHI_MAX_UPLOAD_MB * 1024 * 1024)
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId: () => ulid(),
    // the key is checked per request; nothing else in a request is large except the streamed upload
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false } },
  })

  await app.register(errorsPlugin)

  // limits and headers first, so that every route registered after them gets them
  await app.register(rateLimitPlugin, rateLimitsFrom(config))
  await app.register(helmetPlugin)
  await app.register(corsPlugin, { origins: config.SANSHI_CORS_ORIGINS })

  await app.register(swaggerPlugin)
  await app.register(multipartPlugin, { maxUploadBytes })

  await app.register(databasePlugin, {
    db: opts.db,
    ingest: {
      mappings: opts.mappings ?? allMappings([]),
      defaultDistrict: config.SANSHI_DISTRICT,
      maxRefusedShare: config.SANSHI_MAX_REFUSED_SHARE,
    },
  })
  await app.register(policyPlugin, { clients: opts.clients })
  await app.register(authPlugin, { config })

  await app.register(healthRoutes)
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', app.authenticate)
      await v1.register(batchesRoutes, { maxUploadBytes })
      await v1.register(auditRoutes)
      await v1.register(registerRoutes, { district: config.SANSHI_DISTRICT })
      await v1.register(exportRoutes)
    },
    { prefix: '/v1' },
  )
  return app
}
