import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { createApiKey } from '../../src/api/repositories/api-keys-repository.ts'
import { loadConfig } from '../../src/config.ts'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { bearer, clients } from './support.ts'

/*
 * Headers do not depend on the database engine: one embedded database serves every app here.
 */

let handle: TestDatabase
let policeKey: string
const apps: FastifyInstance[] = []

const appWith = async (env: Record<string, string> = {}): Promise<FastifyInstance> => {
  const app = await buildApp({ db: handle.database, clients, config: loadConfig(env) })
  apps.push(app)
  return app
}

beforeAll(async () => {
  handle = await openTestDatabase('pglite')
  policeKey = await createApiKey(handle.database, clients, 'police')
})

afterAll(async () => {
  for (const app of apps) await app.close()
  await handle.dispose()
})

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  )

describe('security headers', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await appWith()
  })

  it.each([
    ['an open route', '/health', {}, 200],
    ['a keyed route', '/v1/batches', 'police', 200],
    ['a refusal', '/v1/batches', {}, 401],
    ['an unknown route', '/nowhere', {}, 404],
    ['the OpenAPI document', '/docs/json', {}, 200],
  ] as const)('are on %s', async (_name, url, who, status) => {
    const headers = who === 'police' ? bearer(policeKey) : {}
    const res = await app.inject({ url, headers })
    expect(res.statusCode).toBe(status)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(res.headers['x-powered-by']).toBeUndefined()
    const csp = directives(String(res.headers['content-security-policy']))
    expect(csp.get('default-src')).toEqual(["'self'"])
    expect(csp.get('script-src')).toEqual(["'self'"])
    expect(csp.get('object-src')).toEqual(["'none'"])
    // plain-HTTP office deployments: the browser must not be sent to https for the page's own files
    expect(csp.has('upgrade-insecure-requests')).toBe(false)
  })

  it('leave /docs working: its page, every file it loads, and the document it shows', async () => {
    let page = '/docs'
    let res = await app.inject(page)
    if (res.statusCode >= 300 && res.statusCode < 400) {
      page = new URL(String(res.headers.location), `http://hub.local${page}`).pathname
      res = await app.inject(page)
    }
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    const html = res.body
    const csp = directives(String(res.headers['content-security-policy']))

    // the CSP allows scripts from files of this origin only: the page must have no inline script and no
    // inline event handler (script-src-attr 'none'), and load nothing from elsewhere
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i)
    expect(html).not.toMatch(/\son[a-z]+\s*=/i)
    expect(csp.get('script-src-attr')).toEqual(["'none'"])
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(refs.length).toBeGreaterThanOrEqual(4)
    const base = new URL(page, 'http://hub.local')
    const kinds = new Set<string>()
    for (const ref of refs) {
      const url = new URL(ref, base)
      expect(url.origin, ref).toBe('http://hub.local')
      const file = await app.inject(url.pathname)
      expect(file.statusCode, url.pathname).toBe(200)
      const type = String(file.headers['content-type'])
      expect(type, url.pathname).toMatch(/javascript|text\/css|image\//)
      kinds.add(type.split(/[/;]/)[1]!)
      expect(file.body.length, url.pathname).toBeGreaterThan(0)
    }
    expect([...kinds]).toEqual(expect.arrayContaining(['javascript', 'css']))

    // the initializer fetches ./json beside the page: same origin, so default-src 'self' allows it
    const initializer = refs.find((r) => r.endsWith('swagger-initializer.js'))!
    const init = await app.inject(new URL(initializer, base).pathname)
    expect(init.body).toContain("resolveUrl('./json')")
    const doc = await app.inject('/docs/json')
    expect(doc.statusCode).toBe(200)
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/v1/audit']))
  })
})

describe('body limits', () => {
  it('refuses a body over 1 MiB with 413 before reading it', async () => {
    const app = await appWith()
    const res = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(policeKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }),
    })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'SANSHI206', status: 413 })
  })
})

describe('CORS', () => {
  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/v1/batches',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,x-purpose',
      },
    })

  it('is off by default: no browser origin is allowed', async () => {
    const app = await appWith()
    const pre = await preflight(app, 'https://app.example.org')
    expect(pre.headers['access-control-allow-origin']).toBeUndefined()
    const res = await app.inject({
      url: '/v1/batches',
      headers: { ...bearer(policeKey), origin: 'https://app.example.org' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('allows exactly the origins of SANSHI_CORS_ORIGINS', async () => {
    const app = await appWith({ SANSHI_CORS_ORIGINS: 'https://app.example.org, http://10.0.0.5:8080' })
    for (const origin of ['https://app.example.org', 'http://10.0.0.5:8080']) {
      const pre = await preflight(app, origin)
      expect(pre.statusCode, origin).toBe(204)
      expect(pre.headers['access-control-allow-origin']).toBe(origin)
      expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization')
      expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('x-purpose')
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined()
    }
    const res = await app.inject({
      url: '/v1/batches',
      headers: { ...bearer(policeKey), origin: 'https://app.example.org' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.org')
    expect(String(res.headers['access-control-expose-headers'])).toContain('Retry-After')

    const other = await preflight(app, 'https://evil.example.com')
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('allows any origin with *', async () => {
    const app = await appWith({ SANSHI_CORS_ORIGINS: '*' })
    const pre = await preflight(app, 'https://anywhere.example')
    expect(pre.statusCode).toBe(204)
    expect(pre.headers['access-control-allow-origin']).toBe('*')
  })

  it.each(['https://app.example.org/path', 'app.example.org', 'ftp://x.example'])(
    'refuses the setting %j at start, naming it',
    (value) => {
      expect(() => loadConfig({ SANSHI_CORS_ORIGINS: value })).toThrow(/SANSHI_CORS_ORIGINS/)
    },
  )
})
