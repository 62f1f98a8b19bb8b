import type { FastifyInstance } from 'fastify'
import type { ClientRegistry } from '../../policy/index.ts'
import { shared } from '../shared.ts'

declare module 'fastify' {
  interface FastifyInstance {
    clients: ClientRegistry
  }
}

export interface PolicyOptions extends Record<string, unknown> {
  clients: ClientRegistry
}

/** The clients and scopes, validated once at start (loadClients) and shared by every route. */
export const policyPlugin = shared('sanshi-policy', async (app: FastifyInstance, opts: PolicyOptions) => {
  app.decorate('clients', opts.clients)
})
