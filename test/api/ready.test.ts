import { readdirSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { loadConfig } from '../../src/config.ts'
import { MIGRATIONS_DIR, migrate } from '../../src/db/index.ts'
import { DATABASE_KINDS, openTestDatabase, type TestDatabase, unavailable } from '../support/databases.ts'
import { clients } from './support.ts'

const FIRST_MIGRATION = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()[0]!

const appOn = (handle: TestDatabase) => buildApp({ db: handle.database, clients, config: loadConfig({}) })

const expectNotReady = (res: Awaited<ReturnType<FastifyInstance['inject']>>, code: string) => {
  expect(res.statusCode).toBe(503)
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
  expect(res.json()).toMatchObject({ status: 503, code, instance: '/ready' })
}

for (const kind of DATABASE_KINDS) {
  describe.skipIf(unavailable(kind) !== null)(`GET /ready [${kind}]`, () => {
    const handles: TestDatabase[] = []
    const apps: FastifyInstance[] = []
    const open = async (empty = false) => {
      const handle = await openTestDatabase(kind, { empty })
      handles.push(handle)
      const app = await appOn(handle)
      apps.push(app)
      return { handle, app }
    }

    afterAll(async () => {
      for (const app of apps) await app.close()
      for (const h of handles) await h.dispose().catch(() => {})
    })

    let ready: { handle: TestDatabase; app: FastifyInstance }
    beforeAll(async () => {
      ready = await open()
    })

    it('is 200 with the database up and every migration applied, without a key', async () => {
      const res = await ready.app.inject('/ready')
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ status: 'ready' })
    })

    it('is 503 while migrations are pending, naming them, and 200 once they are applied', async () => {
      const { handle, app } = await open(true)
      const res = await app.inject('/ready')
      expectNotReady(res, 'SANSHI503')
      expect(res.json().detail).toContain(FIRST_MIGRATION)
      expect(res.json().hint).toContain('sanshi migrate')
      // liveness is another question: the process and its database are up
      expect((await app.inject('/health')).statusCode).toBe(200)
      await migrate(handle.database)
      expect((await app.inject('/ready')).statusCode).toBe(200)
    })

    it('is 503 when the database does not answer', async () => {
      const { handle, app } = await open()
      expect((await app.inject('/ready')).statusCode).toBe(200)
      await handle.database.close()
      expectNotReady(await app.inject('/ready'), 'SANSHI501')
    })

    it('is 503 from the moment a shutdown begins, while /health stays 200', async () => {
      const { app } = await open()
      expect((await app.inject('/ready')).statusCode).toBe(200)
      app.readiness.stopping = true
      const res = await app.inject('/ready')
      expectNotReady(res, 'SANSHI503')
      expect(res.json().detail).toBe('the hub is shutting down')
      expect((await app.inject('/health')).statusCode).toBe(200)
    })
  })
}
