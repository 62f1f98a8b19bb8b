import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Config } from '../../../config.ts'
import { SanshiError } from '../../../errors.ts'
import { createJwtVerifier, jwtSettings, looksLikeJwt } from '../../auth/jwt.ts'
import type { Client } from '../../policy/index.ts'
import { clientForKey } from '../../repositories/api-keys-repository.ts'
import { shared } from '../shared.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for routes that need a client: Authorization: Bearer KEY (or JWT), else 401 */
    authenticate: onRequestAsyncHookHandler
  }
  interface FastifyRequest {
    client: Client | null
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

/**
 * Known keys are remembered for a few seconds, so a lookup route does not pay a key query per request; a
 * key revoked with `sanshi keys revoke` stops opening anything within KEY_TTL_MS. Unknown keys are not
 * remembered (a flood of random keys must not fill memory), and the cache is bounded.
 */
const KEY_TTL_MS = 10_000
const KEY_CACHE_MAX = 10_000

class KeyCache {
  private readonly entries = new Map<string, { client: Client; until: number }>()

  get(key: string): Client | null {
    const hit = this.entries.get(key)
    if (!hit) return null
    if (hit.until < Date.now()) {
      this.entries.delete(key)
      return null
    }
    return hit.client
  }

  set(key: string, client: Client): void {
    if (this.entries.size >= KEY_CACHE_MAX) this.entries.clear()
    this.entries.set(key, { client, until: Date.now() + KEY_TTL_MS })
  }
}

/** The authenticated client of a request behind `authenticate`. */
export const clientOf = (request: FastifyRequest): Client => {
  if (!request.client) throw new SanshiError('SANSHI402', 'this route needs Authorization: Bearer KEY')
  return request.client
}

export const authPlugin = shared('sanshi-auth', async (app: FastifyInstance, opts: { config: Config }) => {
  app.decorateRequest('client', null)
  const known = new KeyCache()
  // built now, so that a broken JWKS file stops the start; JWT-shaped tokens take this path only when it is on
  const jwt = jwtSettings(opts.config)
  const verifyJwt = jwt
    ? createJwtVerifier(jwt, app.clients, (e) =>
        app.log.warn({ type: (e as Error)?.name }, 'the JWT key set could not be fetched'),
      )
    : null
  // onRequest, before any body is read: an upload without a valid key is refused before it streams
  app.decorate('authenticate', async function authenticate(this: FastifyInstance, request: FastifyRequest) {
    const header = request.headers.authorization
    if (!header)
      throw new SanshiError(
        'SANSHI402',
        'send Authorization: Bearer KEY (sanshi keys create --client ID mints one)',
      )
    const key = BEARER.exec(header)?.[1]
    if (key && verifyJwt && looksLikeJwt(key)) {
      // not cached like keys: a signature check costs less than a key query, and a token may expire any second
      request.client = await verifyJwt(key)
      return
    }
    let client = key ? known.get(key) : null
    if (key && !client) {
      client = await clientForKey(app.db, app.clients, key)
      if (client) known.set(key, client)
    }
    if (!client)
      throw new SanshiError('SANSHI402', 'the key is unknown, revoked, or its client is no longer configured')
    request.client = client
  })
})
