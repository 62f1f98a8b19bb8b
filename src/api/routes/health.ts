import { readdir } from 'node:fs/promises'
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type Database, MIGRATIONS_DIR } from '../../db/index.ts'
import { SanshiError } from '../../errors.ts'
import { shared } from '../plugins/shared.ts'
import { jsonSchema } from '../schema.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** set by a graceful shutdown (server.ts) or app.close(): /ready answers 503 from then on */
    readiness: { stopping: boolean }
  }
}

const HealthAnswer = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  postgis: z.boolean(),
})
const ReadyAnswer = z.object({ status: z.literal('ready') })

/** The required migrations (those beside no extension) that the database has not recorded. */
const pendingMigrations = async (db: Database): Promise<string[]> => {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql'))
  let applied: Set<string>
  try {
    const rows = await db.query<{ name: string }>('SELECT name FROM sanshi_migrations')
    applied = new Set(rows.map((r) => r.name))
  } catch {
    applied = new Set() // no sanshi_migrations table yet: nothing applied
  }
  return files.filter((f) => !applied.has(f)).sort()
}

/**
 * For load balancers and operators, no key needed, nothing about the data. /health says the process
 * is alive (a liveness probe: it stays 200 while shutting down, so nobody restarts a draining server);
 * /ready says whether to send it traffic.
 */
export const healthRoutes = shared('sanshi-health', async (app: FastifyInstance) => {
  app.decorate('readiness', { stopping: false })
  app.addHook('preClose', async () => {
    app.readiness.stopping = true
  })
  // migrations never go back: once all are seen applied, /ready stops asking
  let migrated = false

  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Is the hub up, and on which database',
        security: [],
        response: { 200: jsonSchema(HealthAnswer, 'output') },
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

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Should traffic be sent here',
        description:
          '200 once the database answers and every migration is applied; 503 problem+json otherwise, and from the moment a shutdown begins (SANSHI503 not ready, SANSHI501 database unavailable).',
        security: [],
        response: { 200: jsonSchema(ReadyAnswer, 'output') },
      },
    },
    async () => {
      if (app.readiness.stopping) throw new SanshiError('SANSHI503', 'the hub is shutting down')
      try {
        await app.db.query('SELECT 1')
      } catch {
        throw new SanshiError('SANSHI501', 'the database does not answer')
      }
      if (!migrated) {
        const pending = await pendingMigrations(app.db)
        if (pending.length > 0)
          throw new SanshiError(
            'SANSHI503',
            `migrations not applied yet: ${pending.join(', ')}`,
            {},
            'sanshi migrate applies them',
          )
        migrated = true
      }
      return { status: 'ready' as const }
    },
  )
})
