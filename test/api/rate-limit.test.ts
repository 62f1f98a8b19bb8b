import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { type ClientRegistry, parseClients } from '../../src/api/policy/index.ts'
import { createApiKey } from '../../src/api/repositories/api-keys-repository.ts'
import { loadConfig } from '../../src/config.ts'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { bearer } from './support.ts'

/*
 * Counting is in memory and the same on either engine: one embedded database serves these apps.
 */

const CLIENTS = `
clients:
  - { id: tight-a, department: police, role: clerk, rateLimit: { max: 3, perSeconds: 60 } }
  - { id: tight-b, department: police, role: clerk, rateLimit: { max: 3, perSeconds: 60 } }
  - { id: plain, department: civil, role: clerk }
  - { id: trusted, department: grid, role: worker, rateLimit: false }
`

let handle: TestDatabase
let registry: ClientRegistry
const keys: Record<string, string> = {}
const apps: FastifyInstance[] = []

const appWith = async (env: Record<string, string>): Promise<FastifyInstance> => {
  const app = await buildApp({ db: handle.database, clients: registry, config: loadConfig(env) })
  apps.push(app)
  return app
}

beforeAll(async () => {
  handle = await openTestDatabase('pglite')
  registry = parseClients(CLIENTS, 'test-clients.yaml')
  for (const c of registry.clients) keys[c.id] = await createApiKey(handle.database, registry, c.id)
})

afterAll(async () => {
  for (const app of apps) await app.close()
  await handle.dispose()
})

const times = async (app: FastifyInstance, n: number, req: InjectOptions) => {
  const codes: number[] = []
  for (let i = 0; i < n; i++) codes.push((await app.inject(req)).statusCode)
  return codes
}

const as = (client: string): InjectOptions => ({ url: '/v1/batches', headers: bearer(keys[client]!) })

describe('rate limits', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await appWith({
      SANSHI_RATE_LIMIT_MAX: '5',
      SANSHI_RATE_LIMIT_SECONDS: '60',
      SANSHI_RATE_LIMIT_ANONYMOUS_MAX: '2',
    })
  })

  it('answers past a client limit with 429 problem+json and Retry-After', async () => {
    expect(await times(app, 3, as('tight-a'))).toEqual([200, 200, 200])
    const res = await app.inject(as('tight-a'))
    expect(res.statusCode).toBe(429)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(res.json()).toMatchObject({
      status: 429,
      code: 'SANSHI104',
      type: 'urn:sanshi:error:SANSHI104',
      title: 'Too many requests',
      instance: '/v1/batches',
    })
    expect(res.json().detail).toMatch(/client tight-a may send 3 requests per 60 s; retry in \d+/)
    const retryAfter = Number(res.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(res.headers['x-ratelimit-limit']).toBe('3')
    expect(res.headers['x-ratelimit-remaining']).toBe('0')
  })

  it('counts each client alone: another client with the same limit is untouched', async () => {
    expect(await times(app, 3, as('tight-b'))).toEqual([200, 200, 200])
    expect((await app.inject(as('tight-b'))).statusCode).toBe(429)
    // and tight-a is still refused: b's requests neither reset nor spent a's
    expect((await app.inject(as('tight-a'))).statusCode).toBe(429)
  })

  it('gives a client without its own limit the hub-wide default', async () => {
    const codes = await times(app, 6, as('plain'))
    expect(codes).toEqual([200, 200, 200, 200, 200, 429])
    const ok = await app.inject({ url: '/health' })
    expect(ok.statusCode).toBe(200) // an address's budget is not a client's
  })

  it('lets a client with rateLimit: false through without counting', async () => {
    const codes = await times(app, 20, as('trusted'))
    expect(codes.every((c) => c === 200)).toBe(true)
    const res = await app.inject(as('trusted'))
    expect(res.headers['x-ratelimit-limit']).toBeUndefined()
  })

  it('counts requests without a key per address', async () => {
    const from = (remoteAddress: string): InjectOptions => ({ url: '/ready', remoteAddress })
    expect(await times(app, 3, from('10.1.1.1'))).toEqual([200, 200, 429])
    expect(await times(app, 2, from('10.1.1.2'))).toEqual([200, 200])
    // two IPv6 addresses of one /64 are one household's router: counted together
    expect(await times(app, 2, from('2001:db8::1'))).toEqual([200, 200])
    expect((await app.inject(from('2001:db8::2'))).statusCode).toBe(429)
  })

  it('starts a new window when the old one is over', async () => {
    const quick = await appWith({ SANSHI_RATE_LIMIT_MAX: '2', SANSHI_RATE_LIMIT_SECONDS: '0.5' })
    expect(await times(quick, 3, as('plain'))).toEqual([200, 200, 429])
    await new Promise((r) => setTimeout(r, 600))
    expect(await times(quick, 2, as('plain'))).toEqual([200, 200])
  })

  it('is off altogether with the maxima at 0', async () => {
    const open = await appWith({ SANSHI_RATE_LIMIT_MAX: '0', SANSHI_RATE_LIMIT_ANONYMOUS_MAX: '0' })
    expect((await times(open, 30, as('plain'))).every((c) => c === 200)).toBe(true)
    expect((await times(open, 30, { url: '/health' })).every((c) => c === 200)).toBe(true)
    // a client's own limit still holds
    expect(await times(open, 4, as('tight-a'))).toEqual([200, 200, 200, 429])
  })

  it('refuses a malformed rateLimit in the clients file, naming the entry', () => {
    for (const bad of ['{ max: 0 }', '{ max: 10, perSeconds: -1 }', '{ max: 10, per: 1 }', 'true'])
      expect(() =>
        parseClients(`clients:\n  - { id: x, department: a, role: r, rateLimit: ${bad} }\n`, 'c.yaml'),
      ).toThrow(/clients\[0\] \(x\)\.rateLimit/)
  })
})
