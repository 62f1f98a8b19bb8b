import { readFileSync } from 'node:fs'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import type { Config } from '../../config.ts'
import { SanshiError } from '../../errors.ts'
import type { Client, ClientRegistry } from '../policy/index.ts'

/*
 * Bearer tokens issued by an identity provider, checked against its public key set and mapped to a client
 * of clients.yaml by one claim. Every refusal says why in words of ours: a token's content (its claims,
 * its header) never reaches an error text or a log line, since a JWT carries personal data more often than not.
 */

export interface JwtSettings {
  /** https URL of the provider's JWKS, or a path to a JWKS JSON file */
  jwks: string
  issuer: string
  audience: string
  clientClaim: string
  algorithms: readonly string[]
}

const DEFAULT_ALGORITHMS = ['RS256', 'ES256']
/** Clocks of the hub and the provider drift; a token a few seconds "early" or "late" is still good. */
const CLOCK_TOLERANCE_SECONDS = 30
/** A key the provider has just rotated in is fetched at most this often, however many tokens name it. */
const JWKS_COOLDOWN_MS = 30_000
const JWKS_TIMEOUT_MS = 5_000

/** The JWT settings of a config, or null when JWTs are off (no SANSHI_JWT_JWKS). */
export const jwtSettings = (config: Config): JwtSettings | null => {
  if (!config.SANSHI_JWT_JWKS) return null
  // loadConfig has refused a JWKS without issuer or audience
  return {
    jwks: config.SANSHI_JWT_JWKS,
    issuer: config.SANSHI_JWT_ISSUER!,
    audience: config.SANSHI_JWT_AUDIENCE!,
    clientClaim: config.SANSHI_JWT_CLIENT_CLAIM,
    algorithms: config.SANSHI_JWT_ALGORITHMS ?? DEFAULT_ALGORITHMS,
  }
}

/** header.payload.signature in base64url: a JWT, never an `sk_` key (which has no dot). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

export const looksLikeJwt = (token: string): boolean => JWT_SHAPE.test(token)

const badJwks = (source: string, why: string): SanshiError =>
  new SanshiError('SANSHI102', `SANSHI_JWT_JWKS: ${why}`, { file: source })

/**
 * A JWKS file is read once, at start, and checked: a broken file stops the server rather than refusing
 * every token later. Secret material has no place in it: a symmetric key (kty oct) or a private key
 * (with `d`) there means someone published what should have stayed with the provider.
 */
const localKeySet = (path: string): JWTVerifyGetKey => {
  let jwks: unknown
  try {
    jwks = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw badJwks(path, code ? `cannot read the JWKS file (${code})` : 'the JWKS file is not valid JSON')
  }
  const keys = (jwks as { keys?: unknown })?.keys
  if (!Array.isArray(keys) || keys.length === 0)
    throw badJwks(path, 'the JWKS file has no "keys" array with at least one key')
  keys.forEach((key: { kty?: unknown; d?: unknown }, i) => {
    if (key?.kty === 'oct') throw badJwks(path, `keys[${i}] is a symmetric key; only public keys belong here`)
    if (key?.d !== undefined)
      throw badJwks(path, `keys[${i}] holds a private key; publish only its public part`)
  })
  try {
    return createLocalJWKSet(jwks as JSONWebKeySet)
  } catch {
    throw badJwks(path, 'the file is not a JSON Web Key Set')
  }
}

const keySet = (source: string): JWTVerifyGetKey =>
  /^https:\/\//i.test(source)
    ? createRemoteJWKSet(new URL(source), {
        cooldownDuration: JWKS_COOLDOWN_MS,
        timeoutDuration: JWKS_TIMEOUT_MS,
      })
    : localKeySet(source)

/** Why jose refused a token, in words that quote nothing from it; null when the key set was unreachable. */
const refusal = (e: unknown): string | null => {
  if (e instanceof errors.JWTExpired) return 'the token has expired'
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'exp') return 'the token has no expiry (exp)'
    if (e.claim === 'iss') return 'the token was not issued by the configured issuer'
    if (e.claim === 'aud') return 'the token is not meant for this hub (audience)'
    if (e.claim === 'nbf') return 'the token is not valid yet'
    return `the token's ${e.claim} claim is not acceptable` // a name jose checked, never a value
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported)
    return 'the token is signed with an algorithm this hub does not accept'
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify'
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys)
    return "the token's signing key is not among the identity provider's keys"
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid) return 'the token is malformed'
  return null // a timeout, a network error, a non-200 or not-a-JWKS answer from the remote key set
}

/** True when every condition of the client's `jwt:` entry holds: a listed value in each named claim. */
const meetsConditions = (client: Client, payload: JWTPayload): boolean =>
  Object.entries(client.jwt ?? {}).every(([claim, allowed]) => {
    const value = payload[claim]
    const values = Array.isArray(value) ? value : [value]
    return values.some((v) => typeof v === 'string' && allowed.includes(v))
  })

export type JwtVerifier = (token: string) => Promise<Client>

/**
 * A verifier for the configured provider: signature (only the allowed algorithms), issuer, audience and
 * expiry, then the client claim must name a configured client whose `jwt:` conditions the token meets.
 * Refusals are SANSHI402 (401). A bad local key set is SANSHI102, here, at start. `keysUnavailable` hears
 * of a provider whose keys cannot be fetched (the operator's problem, not the caller's).
 */
export const createJwtVerifier = (
  settings: JwtSettings,
  clients: ClientRegistry,
  keysUnavailable: (error: unknown) => void = () => {},
): JwtVerifier => {
  const keys = keySet(settings.jwks)
  const options = {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: [...settings.algorithms],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['exp'],
  }
  const claim = settings.clientClaim
  return async (token) => {
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, keys, options))
    } catch (e) {
      const reason = refusal(e)
      if (reason === null) keysUnavailable(e)
      throw new SanshiError('SANSHI402', reason ?? "the identity provider's keys could not be fetched")
    }
    const clientId = payload[claim]
    if (typeof clientId !== 'string' || clientId === '')
      throw new SanshiError('SANSHI402', `the token has no ${claim} claim naming a client`)
    const client = clients.get(clientId)
    if (!client) throw new SanshiError('SANSHI402', `the token's ${claim} claim names no configured client`)
    if (!meetsConditions(client, payload))
      throw new SanshiError('SANSHI402', "the token's claims do not meet its client's jwt conditions")
    return client
  }
}
