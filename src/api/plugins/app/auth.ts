import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { SanshiError } from '../../../errors.ts'
import type { Client } from '../../policy/index.ts'
import { clientForKey } from '../../repositories/api-keys-repository.ts'
import { shared } from '../shared.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for routes that need a client: Authorization: Bearer KEY, else 401 */
    authenticate: onRequestAsyncHookHandler
  }
  interface FastifyRequest {
    client: Client | null
  }
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i

/** The authenticated client of a request behind `authenticate`. */
export const clientOf = (request: FastifyRequest): Client => {
  if (!request.client) throw new SanshiError('SANSHI402', 'this route needs Authorization: Bearer KEY')
  return request.client
}

export const authPlugin = shared('sanshi-auth', async (app: FastifyInstance) => {
  app.decorateRequest('client', null)
  // onRequest, before any body is read: an upload without a valid key is refused before it streams
  app.decorate('authenticate', async function authenticate(this: FastifyInstance, request: FastifyRequest) {
    const header = request.headers.authorization
    if (!header)
      throw new SanshiError(
        'SANSHI402',
        'send Authorization: Bearer KEY (sanshi keys create --client ID mints one)',
      )
    const key = BEARER.exec(header)?.[1]
    const client = key ? await clientForKey(app.db, app.clients, key) : null
    if (!client)
      throw new SanshiError('SANSHI402', 'the key is unknown, revoked, or its client is no longer configured')
    request.client = client
  })
})
