import type { FastifyInstance } from 'fastify'
import { SanshiError } from '../../errors.ts'

const HealthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok'] },
    database: { type: 'string', enum: ['pglite', 'postgres'] },
    postgis: { type: 'boolean' },
  },
  required: ['status', 'database', 'postgis'],
} as const

/** For load balancers and operators: no key needed, nothing about the data. */
export const healthRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Is the hub up, and on which database',
        security: [],
        response: { 200: HealthSchema },
      },
    },
    async () => {
      try {
        await app.db.query('SELECT 1')
      } catch {
        throw new SanshiError('SANSHI501', 'the database does not answer')
      }
      return { status: 'ok' as const, database: app.db.kind, postgis: app.db.capabilities.postgis }
    },
  )
}
