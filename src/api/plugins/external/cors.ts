import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import { shared } from '../shared.ts'

export interface CorsOptions extends Record<string, unknown> {
  /** SANSHI_CORS_ORIGINS: exact origins, or ['*']; empty: no CORS at all (the default) */
  origins: readonly string[]
}

/**
 * Off unless an operator lists the browser apps allowed to call the hub. Keys travel in the
 * Authorization header, never in cookies, so credentials stay off and `*` is safe to allow.
 */
export const corsPlugin = shared('sanshi-cors', async (app: FastifyInstance, opts: CorsOptions) => {
  if (opts.origins.length === 0) return
  await app.register(cors, {
    origin: opts.origins.includes('*') ? '*' : [...opts.origins],
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept-Language', 'X-Purpose'],
    exposedHeaders: [
      'Content-Disposition',
      'Retry-After',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
    ],
    credentials: false,
    maxAge: 600,
  })
})
