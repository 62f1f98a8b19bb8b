import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { type Mapping, MappingSchema } from './mapping-schema.ts'

/** A mapping file that cannot be used, with every problem and where it sits in the file. */
export class MappingError extends Error {
  readonly file: string
  readonly issues: string[]
  constructor(file: string, issues: string[]) {
    super(`${basename(file)}: ${issues.join('; ')}`)
    this.name = 'MappingError'
    this.file = file
    this.issues = issues
  }
}

const MAX_MAPPING_BYTES = 1_000_000

/** Parses and validates one mapping (YAML or JSON) given as text. */
export const parseMapping = (text: string, file: string): Mapping => {
  if (text.length > MAX_MAPPING_BYTES) throw new MappingError(file, ['file is larger than 1 MB'])
  let doc: unknown
  try {
    // maxAliasCount guards against billion-laughs alias expansion in an operator's file
    doc = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true })
  } catch (e) {
    const err = e as { message?: string; linePos?: Array<{ line: number; col: number }> }
    const pos = err.linePos?.[0]
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : ''
    throw new MappingError(file, [`${where}not valid YAML/JSON (${(err.message ?? '').split('\n')[0]})`])
  }
  const parsed = MappingSchema.safeParse(doc)
  if (!parsed.success) {
    throw new MappingError(
      file,
      parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top)'}: ${i.message}`),
    )
  }
  return Object.freeze(parsed.data)
}

export const loadMappingFile = (file: string): Mapping => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new MappingError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`])
  }
  return parseMapping(text, file)
}

const connectorsDir = dirname(fileURLToPath(import.meta.url))
let builtins: readonly Mapping[] | undefined

/** The eight department formats of shared/formats.md, loaded once. */
export const builtinMappings = (): readonly Mapping[] => {
  if (!builtins) {
    builtins = Object.freeze(
      readdirSync(connectorsDir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => loadMappingFile(join(connectorsDir, f))),
    )
  }
  return builtins
}

/** Built-ins plus the operator's own mapping files; a custom mapping replaces a built-in of the same source. */
export const allMappings = (extraFiles: readonly string[] = []): Mapping[] => {
  const bySource = new Map<string, Mapping>()
  for (const m of builtinMappings()) bySource.set(m.source, m)
  for (const f of extraFiles) {
    const m = loadMappingFile(f)
    bySource.set(m.source, m)
  }
  return [...bySource.values()]
}
