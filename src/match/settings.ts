/**
 * Matching settings are data (config/match.yaml, or a file the operator names): validated here,
 * hashed into a version, and stored beside every model they train so that two runs can be diffed.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { z } from 'zod'
import { SanshiError } from '../errors.ts'

export const PERSON_FEATURES = [
  'id17',
  'name',
  'pinyin',
  'birthMonth',
  'birthDate',
  'dwelling',
  'building',
  'phone',
  'context',
] as const
export const UNIT_FEATURES = ['creditCode', 'coreName', 'signName', 'anyName', 'premises', 'phone'] as const

const Thresholds = z
  .object({ link: z.number().gt(0).lt(1), review: z.number().gt(0).lt(1) })
  .strict()
  .refine((t) => t.review <= t.link, 'review must not be above link')

const Training = z
  .object({
    randomPairs: z.number().int().min(1000).max(50_000_000),
    emIterations: z.number().int().min(1).max(500),
    seed: z.number().int(),
    tfMinCount: z.number().int().min(1).max(1000),
  })
  .strict()
export type TrainingSettings = z.infer<typeof Training>

const entity = <F extends readonly [string, ...string[]]>(features: F) =>
  z
    .object({
      thresholds: Thresholds,
      maxBlockSize: z.number().int().min(2).max(100_000),
      blocking: z.array(z.array(z.enum(features)).min(1)).min(1),
      training: Training,
    })
    .strict()

export const MatchSettingsSchema = z
  .object({ person: entity(PERSON_FEATURES), unit: entity(UNIT_FEATURES) })
  .strict()
export type MatchSettings = z.infer<typeof MatchSettingsSchema>
/** What the engine needs of either entity's settings; the feature names were checked against its list. */
export type EntitySettings = Omit<MatchSettings['person'], 'blocking'> & {
  blocking: readonly (readonly string[])[]
}

export const DEFAULT_SETTINGS_FILE = fileURLToPath(new URL('../../config/match.yaml', import.meta.url))

export function parseSettings(text: string, file: string): MatchSettings {
  let doc: unknown
  try {
    doc = parse(text)
  } catch (e) {
    throw new SanshiError('SANSHI102', `${file}: not YAML: ${(e as Error).message.split('\n')[0]}`)
  }
  const parsed = MatchSettingsSchema.safeParse(doc)
  if (!parsed.success)
    throw new SanshiError(
      'SANSHI102',
      parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top)'}: ${i.message}`).join('; '),
    )
  return parsed.data
}

export const loadSettings = (file: string = DEFAULT_SETTINGS_FILE): MatchSettings =>
  parseSettings(readFileSync(file, 'utf8'), file)

/** A short content hash: equal settings give equal versions whatever the file's layout. */
export const settingsVersion = (settings: unknown): string =>
  createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 12)
