import { validate as validateCron } from 'node-cron'
import { z } from 'zod'
import { SanshiError } from './errors.ts'

/** `https://app.example.org,http://10.0.0.5:8080` or `*`: browser origins allowed to call the API. */
const CorsOrigins = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(z.string().regex(/^(\*|https?:\/\/[^/\s,]+)$/, 'an origin (scheme://host[:port], no path) or *')),
  )

/*
 * JWTs from an identity provider: only signatures checked against a public key set, so never `none` and
 * never HS* (an HMAC "verified" with a public key is a token anyone holding that public key can forge).
 */
export const JWT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const

const JwtAlgorithms = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.enum(JWT_ALGORITHMS, {
          error: `an asymmetric algorithm (${JWT_ALGORITHMS.join(', ')}); none and HS* are never accepted`,
        }),
      )
      .min(1, 'at least one algorithm'),
  )

/** `https://idp.example.org/.well-known/jwks.json`, or a path to a JWKS JSON file; never plain http. */
const JwksSource = z
  .string()
  .min(1)
  .refine(
    (s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^https:\/\/[^/\s]+/i.test(s),
    'an https:// URL of a JWKS or a path to a JWKS JSON file (keys fetched over plain http could be swapped)',
  )

/** Parsed once at start, frozen, passed down: nothing else reads process.env. */
const Env = z.object({
  DATABASE_URL: z.string().min(1).optional(), // absent → embedded database in SANSHI_DATA_DIR
  SANSHI_DATA_DIR: z.string().min(1).default('data/sanshi'),
  SANSHI_DISTRICT: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit district code')
    .default('320104'),
  SANSHI_LANG: z.enum(['zh', 'en']).default('zh'),
  SANSHI_MAX_REFUSED_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  SANSHI_CLIENTS_FILE: z.string().min(1).optional(), // absent → config/clients.yaml shipped with the hub
  SANSHI_MAX_UPLOAD_MB: z.coerce.number().positive().max(10_240).default(200),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Requests per client per window, unless its clients.yaml entry says otherwise; 0 = no limit. The
  // default is a guard against a runaway client, not a quota: one client must reach 1,000 lookups/s.
  SANSHI_RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(10_000),
  SANSHI_RATE_LIMIT_SECONDS: z.coerce.number().positive().max(86_400).default(1),
  // per address, for the routes that take no key (/health, /ready, /docs)
  SANSHI_RATE_LIMIT_ANONYMOUS_MAX: z.coerce.number().int().min(0).default(100),
  SANSHI_CORS_ORIGINS: CorsOrigins.default([]), // comma-separated; absent → no CORS headers at all
  SANSHI_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).default(365), // 0 = keep forever
  // how far the access log's index by person (access_log_postings) may trail the log; the auditor's query
  // reads the trailing entries one by one, so a longer wait costs it, a shorter one costs the lookups
  SANSHI_AUDIT_INDEX_SECONDS: z.coerce.number().min(0.1).max(3600).default(1),
  SANSHI_AUDIT_PURGE_CRON: z
    .string()
    .refine((e) => validateCron(e), 'a cron expression, e.g. 30 3 * * * (03:30 daily)')
    .default('30 3 * * *'),
  // SIGTERM: /ready answers 503 for DELAY seconds (load balancers notice), then the listener closes and
  // in-flight requests get TIMEOUT seconds to finish before their connections are cut
  SANSHI_SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(300).default(0),
  SANSHI_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(10),
  // JWTs from an identity provider (src/api/auth/jwt.ts); off unless SANSHI_JWT_JWKS is set
  SANSHI_JWT_JWKS: JwksSource.optional(),
  SANSHI_JWT_ISSUER: z.string().min(1).optional(), // required with SANSHI_JWT_JWKS
  SANSHI_JWT_AUDIENCE: z.string().min(1).optional(), // required with SANSHI_JWT_JWKS
  SANSHI_JWT_CLIENT_CLAIM: z.string().min(1).default('sanshi_client'), // holds a client id of clients.yaml
  SANSHI_JWT_ALGORITHMS: JwtAlgorithms.optional(), // absent → RS256,ES256
})

/** Settings that only make sense together, checked once each has passed on its own. */
const CheckedEnv = Env.superRefine((env, ctx) => {
  if (env.SANSHI_JWT_JWKS) {
    for (const name of ['SANSHI_JWT_ISSUER', 'SANSHI_JWT_AUDIENCE'] as const)
      if (!env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'required when SANSHI_JWT_JWKS is set' })
    return
  }
  // a JWT setting without the key set is most likely a misspelt SANSHI_JWT_JWKS: stop rather than run without
  for (const name of ['SANSHI_JWT_ISSUER', 'SANSHI_JWT_AUDIENCE', 'SANSHI_JWT_ALGORITHMS'] as const)
    if (env[name] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'set, but JWTs are off: SANSHI_JWT_JWKS is not set',
      })
})

export type Config = Readonly<z.infer<typeof Env>>

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = CheckedEnv.safeParse(env)
  if (!parsed.success)
    throw new SanshiError(
      'SANSHI102',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    )
  return Object.freeze(parsed.data)
}

/** --db wins, then DATABASE_URL, then the embedded database in the data folder. */
export const databaseUrl = (config: Config, flag?: string): string =>
  flag ?? config.DATABASE_URL ?? `file:${config.SANSHI_DATA_DIR}`
