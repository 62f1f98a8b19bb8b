import { z } from 'zod'
import { SanshiError } from './errors.ts'

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
})

export type Config = Readonly<z.infer<typeof Env>>

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = Env.safeParse(env)
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
