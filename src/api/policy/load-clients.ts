import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { SanshiError } from '../../errors.ts'
import { type Client, ClientsFileSchema } from './client-schema.ts'

/** The clients shipped with the hub, found beside the sources so `npx sanshi` works from any folder. */
export const DEFAULT_CLIENTS_FILE = fileURLToPath(new URL('../../../config/clients.yaml', import.meta.url))

export interface ClientRegistry {
  /** The file the clients came from, for messages. */
  file: string
  clients: readonly Client[]
  get(id: string): Client | undefined
}

/** `clients[1] (market).person.fields.idNumber` — the path as an operator finds it in the file. */
const describePath = (path: readonly PropertyKey[], raw: unknown): string => {
  let out = ''
  path.forEach((key, i) => {
    if (typeof key === 'number') {
      out += `[${key}]`
      if (i === 1 && path[0] === 'clients') {
        const id = (raw as { clients?: Array<{ id?: unknown }> })?.clients?.[key]?.id
        if (typeof id === 'string') out += ` (${id})`
      }
    } else out += `${out ? '.' : ''}${String(key)}`
  })
  return out || '(top level)'
}

/** Validates a clients file's text; every problem is named by its path in the file. */
export const parseClients = (text: string, file: string): ClientRegistry => {
  let raw: unknown
  try {
    raw = parseYaml(text)
  } catch (e) {
    throw new SanshiError('SANSHI102', `not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file })
  }
  const parsed = ClientsFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${describePath(i.path, raw)}: ${i.message}`)
    throw new SanshiError('SANSHI102', issues.join('; '), { file })
  }
  const byId = new Map(parsed.data.clients.map((c) => [c.id, Object.freeze(c)]))
  return Object.freeze({ file, clients: [...byId.values()], get: (id: string) => byId.get(id) })
}

/** Read once at start; a bad file stops the server before it listens. */
export const loadClients = (file: string = DEFAULT_CLIENTS_FILE): ClientRegistry => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new SanshiError(
      'SANSHI102',
      `cannot read the clients file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      { file },
    )
  }
  return parseClients(text, file)
}
