import type { EntityType } from '../../../schemas/mentions.ts'
import { SanshiError } from '../../errors.ts'
import type { Client } from './client-schema.ts'

/**
 * Every yes/no the hub asks about a client goes through `can`: routes, the CLI and exports never
 * look at a scope's fields themselves. A yes names the scope that allowed it (written to the access
 * log); a no says why, in words that carry no personal data.
 */

interface Subjects {
  upload: { source: string }
  'read-batch': { source: string }
  /** uploadedBy: the client that sent the batch over the API, or null for one an operator ingested */
  'read-refused': { source: string; uploadedBy: string | null }
  read: { entity: EntityType }
  /** relations: the pairs of golden ids between records the client sees */
  export: { entity: EntityType | 'relations' }
  steward: undefined
  audit: undefined
}
export type Action = keyof Subjects

export type Decision = { allowed: true; scope: string } | { allowed: false; reason: string }

const allow = (scope: string): Decision => ({ allowed: true, scope })
const deny = (reason: string): Decision => ({ allowed: false, reason })

/** `police.*` matches `police.hukou`; `*` matches every source. */
export const sourceMatches = (pattern: string, source: string): boolean => {
  if (pattern === '*') return true
  if (pattern.endsWith('.*')) return source.startsWith(pattern.slice(0, -1))
  return pattern === source
}

/** The upload pattern that covers this source, or null. */
export const uploadPattern = (client: Client, source: string): string | null =>
  client.upload.find((p) => sourceMatches(p, source)) ?? null

type SubjectArgs<A extends Action> = Subjects[A] extends undefined ? [] : [Subjects[A]]

export function can<A extends Action>(client: Client, action: A, ...args: SubjectArgs<A>): Decision {
  const subject = args[0] as Subjects[Action]
  switch (action) {
    case 'upload': {
      const { source } = subject as Subjects['upload']
      const pattern = uploadPattern(client, source)
      return pattern ? allow(`upload:${pattern}`) : deny(`client ${client.id} may not upload ${source}`)
    }
    case 'read-batch': {
      const { source } = subject as Subjects['read-batch']
      if (client.batches === 'all') return allow('batches:all')
      const pattern = uploadPattern(client, source)
      return pattern
        ? allow(`upload:${pattern}`)
        : deny(`client ${client.id} does not see batches of ${source}`)
    }
    case 'read-refused': {
      // refused rows are the department's own raw rows, personal data included: only the sender reads
      // them. A batch an operator ingested has no sender client: then only a client that uploads its
      // source and whose person rows are not limited to some grids or divisions may read them.
      const { source, uploadedBy } = subject as Subjects['read-refused']
      if (uploadedBy !== null)
        return uploadedBy === client.id
          ? allow(`uploader:${client.id}`)
          : deny('only the client that sent a batch may read its refused rows')
      const pattern = uploadPattern(client, source)
      if (!pattern) return deny(`only a client that uploads ${source} may read its refused rows`)
      return client.person.rows === 'all'
        ? allow(`upload:${pattern}`)
        : deny('refused rows of a batch no client sent are not limited to your grids or divisions')
    }
    case 'read': {
      const { entity } = subject as Subjects['read']
      return client[entity].read
        ? allow(`read:${entity}:${client[entity].rows}`)
        : deny(`client ${client.id} does not read ${entity} records`)
    }
    case 'export': {
      const { entity } = subject as Subjects['export']
      if (!client.export) return deny(`client ${client.id} may not export`)
      if (entity === 'relations')
        return client.person.read || client.house.read || client.unit.read
          ? allow('export:relations')
          : deny(`client ${client.id} reads no register`)
      return client[entity].read
        ? allow(`export:${entity}:${client[entity].rows}`)
        : deny(`client ${client.id} does not read ${entity} records`)
    }
    case 'steward':
      return client.steward ? allow('steward') : deny(`client ${client.id} is not a data steward`)
    case 'audit':
      return client.audit ? allow('audit') : deny(`client ${client.id} may not read the access log`)
  }
  return deny(`unknown action ${String(action)}`)
}

/** `can`, or SANSHI401 with its reason; returns the scope to log. */
export function assertCan<A extends Action>(client: Client, action: A, ...args: SubjectArgs<A>): string {
  const decision = can(client, action, ...args)
  if (!decision.allowed) throw new SanshiError('SANSHI401', decision.reason)
  return decision.scope
}
