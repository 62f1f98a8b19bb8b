import type { EntityType, Role } from '../../../schemas/mentions.ts'
import type { Client } from './client-schema.ts'

/** What the row rules need to know of one golden record, whatever its type. */
export interface RecordFacts {
  gridCode: string | null
  /** 12-digit community code of its address, or the deepest known */
  divisionCode: string | null
  /** source ids of the records it was built from, e.g. police.hukou */
  sources: readonly string[]
  /** roles it appears in across those records: legal_rep, owner, … */
  roles: readonly Role[]
  fields: Readonly<Record<string, unknown>>
}

const departmentOf = (source: string): string => source.split('.')[0] ?? source

const holdsOneOf = (value: unknown, allowed: readonly string[]): boolean =>
  Array.isArray(value)
    ? value.some((v) => allowed.includes(String(v)))
    : value != null && allowed.includes(String(value))

/** Whether the client's scope lets it see this record at all (its fields are a separate question). */
export const rowVisible = (client: Client, entity: EntityType, facts: RecordFacts): boolean => {
  const scope = client[entity]
  if (!scope.read) return false
  const inRows = (() => {
    switch (scope.rows) {
      case 'all':
        return true
      case 'grids':
        return facts.gridCode != null && (client.grids ?? []).includes(facts.gridCode)
      case 'divisions':
        // a district (6) or street (9) code covers every community code under it
        return (
          facts.divisionCode != null &&
          (client.divisions ?? []).some((d) => facts.divisionCode!.startsWith(d))
        )
      case 'own-department':
        return facts.sources.some((s) => departmentOf(s) === client.department)
    }
  })()
  if (!inRows) return false
  if (scope.roles && !facts.roles.some((r) => scope.roles!.includes(r))) return false
  for (const [field, allowed] of Object.entries(scope.where ?? {}))
    if (!holdsOneOf(facts.fields[field], allowed)) return false
  return true
}

/** A grid's own facts: which grid, in which community. */
export interface GridFacts {
  code: string
  communityCode: string | null
}

/**
 * Whether the client may see a grid, and list its records of this type: a client limited to grids sees
 * only its own, one limited to divisions only grids in them.
 */
export const gridVisible = (client: Client, entity: EntityType, grid: GridFacts): boolean => {
  const scope = client[entity]
  if (!scope.read) return false
  if (scope.rows === 'grids') return (client.grids ?? []).includes(grid.code)
  if (scope.rows === 'divisions')
    return (
      grid.communityCode != null && (client.divisions ?? []).some((d) => grid.communityCode!.startsWith(d))
    )
  return true
}
