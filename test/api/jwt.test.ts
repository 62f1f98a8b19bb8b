import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import {
  base64url,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { createJwtVerifier, type JwtSettings, looksLikeJwt } from '../../src/api/auth/jwt.ts'
import { loggerOptions } from '../../src/api/logging.ts'
import { DEFAULT_CLIENTS_FILE, parseClients } from '../../src/api/policy/index.ts'
import { createApiKey } from '../../src/api/repositories/api-keys-repository.ts'
import { loadConfig } from '../../src/config.ts'
import { isSanshiError } from '../../src/errors.ts'
import { forEachDatabase } from '../support/databases.ts'
import { bearer, clients } from './support.ts'

const ISSUER = 'https://idp.example.org/realms/grid'
const AUDIENCE = 'sanshi'
const KID = 'idp-2024'

interface Keys {
  dir: string
  jwksFile: string
  signing: CryptoKey
  /** a key the hub does not know */
  stranger: CryptoKey
  /** the public key as PEM: what an attacker holds and tries as an HMAC secret */
  publicPem: string
}

const makeKeys = async (): Promise<Keys> => {
  const dir = await mkdtemp(join(tmpdir(), 'sanshi-jwt-'))
  const pair = await generateKeyPair('RS256', { extractable: true })
  const stranger = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }
  const jwksFile = join(dir, 'jwks.json')
  await writeFile(jwksFile, JSON.stringify({ keys: [jwk] }))
  return {
    dir,
    jwksFile,
    signing: pair.privateKey,
    stranger: stranger.privateKey,
    publicPem: await exportSPKI(pair.publicKey),
  }
}

const jwtEnv = (jwksFile: string): Record<string, string> => ({
  SANSHI_JWT_JWKS: jwksFile,
  SANSHI_JWT_ISSUER: ISSUER,
  SANSHI_JWT_AUDIENCE: AUDIENCE,
})

interface TokenOptions {
  claims?: JWTPayload
  key?: CryptoKey | Uint8Array
  alg?: string
  kid?: string
  issuer?: string
  audience?: string
  /** seconds from now; null: no exp at all */
  expiresIn?: number | null
}

const now = () => Math.floor(Date.now() / 1000)

const tokenFor = (keys: Keys, client: string | null, o: TokenOptions = {}): Promise<string> => {
  const claims: JWTPayload = { ...(client === null ? {} : { sanshi_client: client }), ...o.claims }
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? KID, typ: 'JWT' })
    .setIssuer(o.issuer ?? ISSUER)
    .setAudience(o.audience ?? AUDIENCE)
    .setSubject('zhang.wei@example.org')
    .setIssuedAt()
  const expiresIn = o.expiresIn === undefined ? 300 : o.expiresIn
  if (expiresIn !== null) jwt.setExpirationTime(now() + expiresIn)
  return jwt.sign(o.key ?? keys.signing)
}

/** An unsigned token, as an attacker would hand-craft one. */
const unsecuredToken = (claims: JWTPayload): string =>
  [{ alg: 'none', typ: 'JWT' }, claims].map((part) => base64url.encode(JSON.stringify(part))).join('.') + '.'

/** The non-empty dot-separated parts of a token: none of them may be echoed anywhere. */
const partsOf = (token: string): string[] => token.split('.').filter((p) => p.length > 0)

describe('JWT settings', () => {
  const base = {
    SANSHI_JWT_JWKS: 'config/jwks.json',
    SANSHI_JWT_ISSUER: ISSUER,
    SANSHI_JWT_AUDIENCE: AUDIENCE,
  }
  const refused: Array<[string, Record<string, string>, RegExp]> = [
    ['no issuer', { ...base, SANSHI_JWT_ISSUER: '' }, /SANSHI_JWT_ISSUER/],
    [
      'issuer missing',
      { SANSHI_JWT_JWKS: 'x.json', SANSHI_JWT_AUDIENCE: 'a' },
      /SANSHI_JWT_ISSUER: required/,
    ],
    [
      'audience missing',
      { SANSHI_JWT_JWKS: 'x.json', SANSHI_JWT_ISSUER: 'i' },
      /SANSHI_JWT_AUDIENCE: required/,
    ],
    ['alg none', { ...base, SANSHI_JWT_ALGORITHMS: 'RS256,none' }, /SANSHI_JWT_ALGORITHMS.*asymmetric/],
    ['HS256', { ...base, SANSHI_JWT_ALGORITHMS: 'HS256' }, /SANSHI_JWT_ALGORITHMS.*HS\* are never/],
    ['no algorithm', { ...base, SANSHI_JWT_ALGORITHMS: ' , ' }, /SANSHI_JWT_ALGORITHMS: at least one/],
    ['plain http JWKS', { ...base, SANSHI_JWT_JWKS: 'http://idp/jwks.json' }, /SANSHI_JWT_JWKS: an https/],
    ['issuer without JWKS', { SANSHI_JWT_ISSUER: ISSUER }, /SANSHI_JWT_ISSUER: set, but JWTs are off/],
  ]
  for (const [what, env, message] of refused)
    it(`refuses ${what} with SANSHI102 naming the setting`, () => {
      let error: unknown
      try {
        loadConfig(env)
      } catch (e) {
        error = e
      }
      expect(isSanshiError(error) && error.code).toBe('SANSHI102')
      expect((error as Error).message).toMatch(message)
    })

  it('is off by default, and defaults the claim and algorithms when on', () => {
    expect(loadConfig({}).SANSHI_JWT_JWKS).toBeUndefined()
    const on = loadConfig({ ...base, SANSHI_JWT_ALGORITHMS: 'ES256, EdDSA' })
    expect(on.SANSHI_JWT_CLIENT_CLAIM).toBe('sanshi_client')
    expect(on.SANSHI_JWT_ALGORITHMS).toEqual(['ES256', 'EdDSA'])
    expect(loadConfig({ ...base, SANSHI_JWT_JWKS: 'https://idp.example.org/jwks' }).SANSHI_JWT_JWKS).toBe(
      'https://idp.example.org/jwks',
    )
  })

  it('tells a JWT from a key by its shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true)
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')).toBe(true)
    expect(looksLikeJwt(`sk_${'A'.repeat(43)}`)).toBe(false)
    expect(looksLikeJwt('a.b')).toBe(false)
    expect(looksLikeJwt('a.b.c.d')).toBe(false)
  })
})

describe('JWKS sources', () => {
  let keys: Keys
  const settings = (jwks: string): JwtSettings => ({
    jwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    clientClaim: 'sanshi_client',
    algorithms: ['RS256'],
  })
  beforeAll(async () => {
    keys = await makeKeys()
  })
  afterAll(async () => {
    await rm(keys.dir, { recursive: true, force: true })
  })

  const broken: Array<[string, string | null, RegExp]> = [
    ['a missing file', null, /cannot read the JWKS file \(ENOENT\)/],
    ['not JSON', '{"keys": [', /not valid JSON/],
    ['no keys', '{"keys": []}', /no "keys" array/],
    ['a symmetric key', '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}', /keys\[0\] is a symmetric key/],
  ]
  for (const [what, text, message] of broken)
    it(`stops the start on ${what} (SANSHI102)`, async () => {
      const file = join(keys.dir, `broken-${what.replace(/\W/g, '-')}.json`)
      if (text !== null) await writeFile(file, text)
      let error: unknown
      try {
        createJwtVerifier(settings(file), clients)
      } catch (e) {
        error = e
      }
      expect(isSanshiError(error) && error.code).toBe('SANSHI102')
      expect((error as Error).message).toMatch(/^SANSHI_JWT_JWKS: /)
      expect((error as Error).message).toMatch(message)
    })

  it('stops the start on a private key published in the set', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const file = join(keys.dir, 'private.json')
    await writeFile(file, JSON.stringify({ keys: [await exportJWK(pair.privateKey)] }))
    expect(() => createJwtVerifier(settings(file), clients)).toThrow(/keys\[0\] holds a private key/)
  })

  it('refuses, and tells the operator, when a remote key set cannot be fetched', async () => {
    const heard: unknown[] = []
    const verify = createJwtVerifier(settings('https://127.0.0.1:1/jwks.json'), clients, (e) => heard.push(e))
    const token = await tokenFor(keys, 'police')
    const error = await verify(token).catch((e: unknown) => e)
    expect(isSanshiError(error) && error.code).toBe('SANSHI402')
    expect((error as Error).message).toBe("the identity provider's keys could not be fetched")
    expect(heard).toHaveLength(1)
  })
})

forEachDatabase('JWT bearer tokens', (getDb) => {
  let keys: Keys
  let app: FastifyInstance
  let policeKey: string
  const logLines: string[] = []
  /** every token presented and the body it got back, to search the bodies and the log for token text */
  const presented: Array<{ token: string; body: string }> = []

  const get = async (url: string, token: string, on: FastifyInstance = app) => {
    const res = await on.inject({ url, headers: bearer(token) })
    presented.push({ token, body: res.body })
    return res
  }

  beforeAll(async () => {
    keys = await makeKeys()
    policeKey = await createApiKey(getDb(), clients, 'police')
    // logs like the served app, into memory, so the log can be searched for token text
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk))
        done()
      },
    })
    app = await buildApp({
      db: getDb(),
      clients,
      config: loadConfig(jwtEnv(keys.jwksFile)),
      logger: { ...loggerOptions('trace'), stream },
    })
  })

  afterAll(async () => {
    await app?.close()
    await rm(keys.dir, { recursive: true, force: true })
  })

  it('a valid token for police reads as a police key does', async () => {
    const byToken = await get('/v1/batches', await tokenFor(keys, 'police'))
    const byKey = await app.inject({ url: '/v1/batches', headers: bearer(policeKey) })
    expect(byToken.statusCode).toBe(200)
    expect(byToken.json()).toEqual(byKey.json())
    // police has no audit right, the auditor has: the claim, not the token alone, picks the client
    expect((await get('/v1/audit', await tokenFor(keys, 'police'))).statusCode).toBe(403)
    expect((await get('/v1/audit', await tokenFor(keys, 'auditor'))).statusCode).toBe(200)
  })

  it('forgives a clock a few seconds behind, not minutes', async () => {
    expect((await get('/v1/batches', await tokenFor(keys, 'police', { expiresIn: -10 }))).statusCode).toBe(
      200,
    )
    expect((await get('/v1/batches', await tokenFor(keys, 'police', { expiresIn: -120 }))).statusCode).toBe(
      401,
    )
  })

  it('keys still open the API when JWTs are on', async () => {
    expect((await app.inject({ url: '/v1/batches', headers: bearer(policeKey) })).statusCode).toBe(200)
  })

  const refusals: Array<[string, (k: Keys) => Promise<string> | string, RegExp]> = [
    ['expired', (k) => tokenFor(k, 'police', { expiresIn: -3600 }), /has expired/],
    ['without exp', (k) => tokenFor(k, 'police', { expiresIn: null }), /no expiry/],
    ['from another issuer', (k) => tokenFor(k, 'police', { issuer: 'https://evil.example' }), /issuer/],
    ['for another audience', (k) => tokenFor(k, 'police', { audience: 'other-app' }), /audience/],
    ['signed by another key', (k) => tokenFor(k, 'police', { key: k.stranger }), /signature does not verify/],
    [
      'signed by a key of unknown kid',
      (k) => tokenFor(k, 'police', { key: k.stranger, kid: 'rogue' }),
      /signing key is not among/,
    ],
    [
      'with alg none',
      () => unsecuredToken({ sanshi_client: 'police', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }),
      /algorithm this hub does not accept/,
    ],
    [
      'HS256 signed with the public key',
      (k) => tokenFor(k, 'police', { alg: 'HS256', key: new TextEncoder().encode(k.publicPem) }),
      /algorithm this hub does not accept/,
    ],
    ['without a client claim', (k) => tokenFor(k, null), /no sanshi_client claim/],
    ['naming an unknown client', (k) => tokenFor(k, 'nobody'), /names no configured client/],
    [
      'whose client claim is not a string',
      (k) => tokenFor(k, null, { claims: { sanshi_client: ['police'] } }),
      /no sanshi_client claim/,
    ],
    [
      'with a forged payload',
      async (k) => {
        const [h, , s] = (await tokenFor(k, 'civil')).split('.')
        return [
          h,
          base64url.encode(
            JSON.stringify({ sanshi_client: 'police', iss: ISSUER, aud: AUDIENCE, exp: now() + 300 }),
          ),
          s,
        ].join('.')
      },
      /signature does not verify/,
    ],
    ['malformed', () => `${base64url.encode('not json')}.${base64url.encode('{}')}.c2ln`, /malformed/],
  ]
  for (const [what, make, reason] of refusals)
    it(`refuses a token ${what}: 401 SANSHI402 with a reason`, async () => {
      const res = await get('/v1/batches', await make(keys))
      expect(res.statusCode).toBe(401)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(res.json().code).toBe('SANSHI402')
      expect(res.json().detail).toMatch(reason)
    })

  it('with JWTs off, a token is just an unknown key', async () => {
    const off = await buildApp({ db: getDb(), clients, config: loadConfig({}) })
    try {
      const res = await get('/v1/batches', await tokenFor(keys, 'police'), off)
      expect(res.statusCode).toBe(401)
      expect(res.json().detail).toMatch(/the key is unknown/)
    } finally {
      await off.close()
    }
  })

  describe('a client with jwt conditions', () => {
    let guarded: FastifyInstance
    beforeAll(async () => {
      // the shipped clients, with police also asking that a token say it comes from 公安
      const text = (await readFile(DEFAULT_CLIENTS_FILE, 'utf8')).replace(
        '  - id: police\n',
        '  - id: police\n    jwt: { department: [公安, 公安局], roles: [sanshi-reader] }\n',
      )
      const registry = parseClients(text, 'clients.yaml')
      expect(registry.get('police')?.jwt).toEqual({
        department: ['公安', '公安局'],
        roles: ['sanshi-reader'],
      })
      guarded = await buildApp({ db: getDb(), clients: registry, config: loadConfig(jwtEnv(keys.jwksFile)) })
    })
    afterAll(async () => {
      await guarded?.close()
    })

    const cases: Array<[string, JWTPayload, number]> = [
      ['every condition held', { department: '公安', roles: ['viewer', 'sanshi-reader'] }, 200],
      ['a value from a list', { department: ['民政', '公安局'], roles: 'sanshi-reader' }, 200],
      ['another department', { department: '民政', roles: ['sanshi-reader'] }, 401],
      ['a condition missing', { department: '公安' }, 401],
      ['a number, not a string', { department: '公安', roles: [1] }, 401],
    ]
    for (const [what, claims, status] of cases)
      it(`${what} → ${status}`, async () => {
        const res = await get('/v1/batches', await tokenFor(keys, 'police', { claims }), guarded)
        expect(res.statusCode).toBe(status)
        if (status === 401) expect(res.json().detail).toMatch(/jwt conditions/)
      })

    it('a client without conditions takes any valid token naming it', async () => {
      expect((await get('/v1/batches', await tokenFor(keys, 'civil'), guarded)).statusCode).toBe(200)
    })
  })

  it('no token text reaches a response body or the log', async () => {
    const refused = await get('/v1/batches', await tokenFor(keys, 'nobody', { claims: { name: '张伟' } }))
    expect(refused.statusCode).toBe(401)
    expect(refused.body).not.toContain('nobody')
    const log = logLines.join('')
    expect(log).toMatch(/"code":"SANSHI402"/) // the refusals were logged: the log searched is the right one
    expect(presented.length).toBeGreaterThan(20)
    for (const { token, body } of presented)
      for (const part of partsOf(token)) {
        expect(log).not.toContain(part)
        expect(body).not.toContain(part)
      }
    expect(log).not.toContain('张伟')
  })
})
