import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../../../config.ts'
import { SanshiError } from '../../../errors.ts'
import type { RateLimit } from '../../policy/client-schema.ts'
import { shared } from '../shared.ts'

export interface RateLimitOptions extends Record<string, unknown> {
  /** a client's limit when its clients.yaml entry names none; null: no limit */
  clientDefault: RateLimit | null
  /** per address, for requests without a client (/health, /ready, /docs); null: no limit */
  anonymous: RateLimit | null
}

/** The hub-wide limits of the configuration; a max of 0 turns that limit off. */
export const rateLimitsFrom = (config: Config): RateLimitOptions => {
  const perSeconds = config.SANSHI_RATE_LIMIT_SECONDS
  const limit = (max: number) => (max > 0 ? { max, perSeconds } : null)
  return {
    clientDefault: limit(config.SANSHI_RATE_LIMIT_MAX),
    anonymous: limit(config.SANSHI_RATE_LIMIT_ANONYMOUS_MAX),
  }
}

/**
 * Requests counted per authenticated client, else per address, in memory (one LRU map, one lookup per
 * request): cheap enough for the lookup route's thousands of requests a second, but each server counts
 * alone, so a cluster of N servers lets a client make N times its limit unless a shared store replaces it.
 *
 * The check runs as a route-level onRequest hook, i.e. after the /v1 scope's authentication hook, so the
 * client is known. A refused key (401) is therefore not counted: guessing a 256-bit key gets nowhere, and
 * each guess costs one indexed lookup.
 */
export const rateLimitPlugin = shared(
  'sanshi-rate-limit',
  async (app: FastifyInstance, opts: RateLimitOptions) => {
    const limitOf = (request: FastifyRequest): RateLimit | null => {
      const client = request.client
      if (!client) return opts.anonymous
      if (client.rateLimit === false) return null
      return client.rateLimit ?? opts.clientDefault
    }
    await app.register(rateLimit, {
      global: true,
      cache: 10_000,
      keyGenerator: (request) =>
        request.client ? `client:${request.client.id}` : `ip:${normalizeIP(request.ip)}`,
      allowList: (request) => limitOf(request) === null,
      max: (request) => limitOf(request)?.max ?? 0,
      timeWindow: (request) => (limitOf(request)?.perSeconds ?? 1) * 1000,
      errorResponseBuilder: (request, context) => {
        const limit = limitOf(request)
        const who = request.client ? `client ${request.client.id}` : 'this address'
        return new SanshiError(
          'SANSHI104',
          `${who} may send ${context.max} requests per ${limit?.perSeconds ?? 1} s; retry in ${context.after}`,
        )
      },
    })
  },
)
