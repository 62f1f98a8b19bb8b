import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { SanshiError } from '../../errors.ts'

/*
 * The survivorship rules as data (config/survivorship.yaml): per entity type, the sources in order of
 * trust, a default list and per-field overrides, plus the few settings of the special rules. Validated
 * on load; a mistake is reported as SANSHI102 with its path in the file (`person.fields.nmae: …`).
 */

/** Golden person fields whose winner can be configured. */
export const PERSON_FIELDS = [
  'idNumber',
  'name',
  'gender',
  'birthDate',
  'ethnicity',
  'phones',
  'hukouAddress',
  'category',
  'assistance',
  'houseId',
  'gridCode',
] as const
export type PersonField = (typeof PERSON_FIELDS)[number]

/** Golden house fields; `location` is lng and lat together. */
export const HOUSE_FIELDS = ['key', 'usage', 'ownerPersonId', 'gridCode', 'location'] as const
export type HouseField = (typeof HOUSE_FIELDS)[number]

export const UNIT_FIELDS = [
  'creditCode',
  'name',
  'signNames',
  'kind',
  'status',
  'legalRepPersonId',
  'houseId',
  'industry',
  'gridCode',
] as const
export type UnitField = (typeof UNIT_FIELDS)[number]

/** The rules shipped with the hub, found beside the sources so `npx sanshi` works from any folder. */
export const DEFAULT_SURVIVORSHIP_FILE = fileURLToPath(
  new URL('../../../config/survivorship.yaml', import.meta.url),
)

const SOURCE_ID = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/

const SourceId = z
  .string({ error: 'expected a source id such as police.hukou' })
  .regex(SOURCE_ID, { error: (iss) => `"${String(iss.input)}" is not a source id such as police.hukou` })

/** One rank: a source, or several sharing it (`[market.entity, civil.socialorg]`). */
const TrustEntry = z.union([SourceId, z.array(SourceId).min(1, { error: 'an empty group' })], {
  error: 'expected a source id, or a list of source ids sharing one rank',
})

const listError = (iss: { input?: unknown }) =>
  iss.input === undefined ? 'required: a list of sources, most trusted first' : 'expected a list of sources'

/** Most trusted first; a source may appear once. An empty list leaves the field to validity and recency. */
const TrustList = z.array(TrustEntry, { error: listError }).superRefine((entries, ctx) => {
  const seen = new Set<string>()
  entries.forEach((entry, i) => {
    const group = typeof entry === 'string' ? [entry] : entry
    group.forEach((source, j) => {
      if (seen.has(source))
        ctx.addIssue({
          code: 'custom',
          path: typeof entry === 'string' ? [i] : [i, j],
          message: `${source} is listed twice`,
        })
      seen.add(source)
    })
  })
})
export type TrustList = z.infer<typeof TrustList>

const fieldLists = <F extends string>(names: readonly F[]) =>
  z.strictObject(
    Object.fromEntries(names.map((n) => [n, TrustList.optional()])) as Record<
      F,
      z.ZodOptional<typeof TrustList>
    >,
  )

const SourceList = z.array(SourceId, { error: 'expected a list of source ids' })
const TextList = z.array(z.string().min(1), { error: 'expected a list of values' })

const sectionError = (iss: { input?: unknown }) =>
  iss.input === undefined
    ? 'required: a section with at least a default list'
    : 'expected a mapping with a default list'

const PersonRules = z.strictObject(
  {
    default: TrustList,
    fields: fieldLists(PERSON_FIELDS).default({}),
    /** Any member from these sources makes the person 户籍, whatever the others say. */
    hukouSources: SourceList.default(['police.hukou']),
    /** Roles whose address is where the person lives: only they vote for houseId. */
    dwellingRoles: TextList.default(['person', 'tenant']),
  },
  { error: sectionError },
)

const HouseRules = z.strictObject(
  { default: TrustList, fields: fieldLists(HOUSE_FIELDS).default({}) },
  { error: sectionError },
)

const UnitRules = z.strictObject(
  {
    default: TrustList,
    fields: fieldLists(UNIT_FIELDS).default({}),
    /** The registers of units: their latest status wins over anyone else's. */
    registries: SourceList.default(['market.entity', 'civil.socialorg']),
    /** Statuses a registry never takes back: once one of its records says so, the unit keeps it. */
    terminalStatuses: TextList.default(['注销']),
  },
  { error: sectionError },
)

export const SurvivorshipConfigSchema = z.strictObject(
  { person: PersonRules, house: HouseRules, unit: UnitRules },
  { error: 'expected a mapping with person, house and unit' },
)
export type SurvivorshipConfig = z.infer<typeof SurvivorshipConfigSchema>

export interface SurvivorshipConfigOptions {
  /** When given (the connectors' source ids), a source outside it is an error: a typo would else rank last. */
  knownSources?: Iterable<string>
}

/** The keys allowed where an unknown one was found, for the message. */
const allowedKeys = (path: readonly PropertyKey[]): readonly string[] => {
  if (path.length === 0) return ['person', 'house', 'unit']
  const entity = path[0]
  if (path.length === 1) {
    const base = ['default', 'fields']
    if (entity === 'person') return [...base, 'hukouSources', 'dwellingRoles']
    if (entity === 'unit') return [...base, 'registries', 'terminalStatuses']
    return base
  }
  if (path.length === 2 && path[1] === 'fields') {
    if (entity === 'person') return PERSON_FIELDS
    if (entity === 'house') return HOUSE_FIELDS
    if (entity === 'unit') return UNIT_FIELDS
  }
  return []
}

/** `person.fields.name[2]` — the path as an operator finds it in the file. */
const describePath = (path: readonly PropertyKey[]): string => {
  let out = ''
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`
  return out || '(top level)'
}

const describeIssue = (issue: z.core.$ZodIssue): string[] => {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path)
    return issue.keys.map(
      (key) =>
        `${describePath([...issue.path, key])}: unknown key` +
        (allowed.length ? ` (expected one of: ${allowed.join(', ')})` : ''),
    )
  }
  return [`${describePath(issue.path)}: ${issue.message}`]
}

const unknownSources = (config: SurvivorshipConfig, known: ReadonlySet<string>): string[] => {
  const problems: string[] = []
  const check = (path: PropertyKey[], source: string) => {
    if (!known.has(source)) problems.push(`${describePath(path)}: unknown source ${source}`)
  }
  const checkList = (path: PropertyKey[], list: TrustList) =>
    list.forEach((entry, i) => {
      if (typeof entry === 'string') check([...path, i], entry)
      else entry.forEach((source, j) => check([...path, i, j], source))
    })
  for (const entity of ['person', 'house', 'unit'] as const) {
    const rules = config[entity]
    checkList([entity, 'default'], rules.default)
    for (const [field, list] of Object.entries(rules.fields) as Array<[string, TrustList | undefined]>)
      if (list) checkList([entity, 'fields', field], list)
  }
  config.person.hukouSources.forEach((s, i) => check(['person', 'hukouSources', i], s))
  config.unit.registries.forEach((s, i) => check(['unit', 'registries', i], s))
  return problems
}

/** Validates a survivorship file's text; every problem is named by its path in the file. */
export const parseSurvivorshipConfig = (
  text: string,
  file: string,
  options: SurvivorshipConfigOptions = {},
): SurvivorshipConfig => {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (e) {
    throw new SanshiError('SANSHI102', `not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file })
  }
  if (raw === null || raw === undefined)
    throw new SanshiError('SANSHI102', 'the file is empty: expected person, house and unit', { file })
  const parsed = SurvivorshipConfigSchema.safeParse(raw)
  if (!parsed.success)
    throw new SanshiError('SANSHI102', parsed.error.issues.flatMap(describeIssue).join('; '), { file })
  if (options.knownSources) {
    const problems = unknownSources(parsed.data, new Set(options.knownSources))
    if (problems.length) throw new SanshiError('SANSHI102', problems.join('; '), { file })
  }
  return parsed.data
}

/** Reads and validates a survivorship file (the shipped one by default). */
export const loadSurvivorshipConfig = (
  file: string = DEFAULT_SURVIVORSHIP_FILE,
  options: SurvivorshipConfigOptions = {},
): SurvivorshipConfig => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new SanshiError(
      'SANSHI102',
      `cannot read the survivorship file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      { file },
    )
  }
  return parseSurvivorshipConfig(text, file, options)
}
