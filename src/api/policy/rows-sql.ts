import type { EntityType } from '../../../schemas/mentions.ts'
import type { Client } from './client-schema.ts'

/**
 * A scope's row rules as one SQL condition, so every read — a lookup, a list, a count, an export —
 * asks the database for exactly the rows the client may see, and nothing is filtered after the fact
 * (where a count or a page size would betray what was dropped). rows.ts states the same rules over one
 * record's facts; test/api/scope-rows.test.ts holds the two to the same answers on fixture data.
 */

/** The golden table of each entity type. */
export const ENTITY_TABLES: Record<EntityType, string> = { person: 'persons', house: 'houses', unit: 'units' }

/** The fields a scope's `where` may limit rows by, and their columns (`[]` for array columns). */
export const WHERE_COLUMNS: Record<
  EntityType,
  Readonly<Record<string, { column: string; array: boolean }>>
> = {
  person: {
    gender: { column: 'gender', array: false },
    ethnicity: { column: 'ethnicity', array: false },
    category: { column: 'category', array: false },
    assistance: { column: 'assistance', array: true },
    gridCode: { column: 'grid_code', array: false },
  },
  house: {
    usage: { column: 'usage', array: false },
    gridCode: { column: 'grid_code', array: false },
  },
  unit: {
    kind: { column: 'kind', array: false },
    status: { column: 'status', array: false },
    industry: { column: 'industry', array: false },
    gridCode: { column: 'grid_code', array: false },
  },
}

/** The standard address's division code of a golden record aliased `t`. */
const divisionOf = (entity: EntityType, t: string): string =>
  entity === 'house'
    ? `(select a.division_code from addresses a where a.id = ${t}.address_id)`
    : `(select a.division_code from houses hh join addresses a on a.id = hh.address_id where hh.id = ${t}.house_id)`

const placeholder = (params: unknown[], value: unknown): string => {
  params.push(value)
  return `$${params.length}`
}

/**
 * The condition (for a WHERE) that keeps the rows of `entity`, aliased `t`, that the client sees.
 * Values go into `params` (appended; placeholders numbered after those already there), never into the
 * text. A client that does not read the type gets `false`.
 */
export function rowsCondition(client: Client, entity: EntityType, t: string, params: unknown[]): string {
  const scope = client[entity]
  if (!scope.read) return 'false'
  // the common case (a department reading a whole register) on every lookup: nothing to build
  if (scope.rows === 'all' && !scope.roles && !scope.where) return 'true'
  const bind = (value: unknown): string => placeholder(params, value)
  const parts: string[] = []
  switch (scope.rows) {
    case 'all':
      break
    case 'grids':
      parts.push(`${t}.grid_code = any(${bind(client.grids ?? [])}::text[])`)
      break
    case 'divisions': {
      // a district (6) or street (9) code covers every community code under it
      const prefixes = (client.divisions ?? []).map((d) => `${d}%`)
      parts.push(`${divisionOf(entity, t)} like any(${bind(prefixes)}::text[])`)
      break
    }
    case 'own-department':
      parts.push(
        `exists (select 1 from entity_links l join source_records s on s.id = l.source_record_id
                  where l.entity_type = '${entity}' and l.golden_id = ${t}.id
                    and split_part(s.source, '.', 1) = ${bind(client.department)})`,
      )
      break
  }
  if (scope.roles)
    parts.push(
      `exists (select 1 from entity_links l where l.entity_type = '${entity}' and l.golden_id = ${t}.id
                  and l.role = any(${bind(scope.roles)}::text[]))`,
    )
  for (const [field, allowed] of Object.entries(scope.where ?? {})) {
    const col = WHERE_COLUMNS[entity][field]
    // the clients file is validated against WHERE_COLUMNS at start; an unknown field here sees nothing
    if (!col) return 'false'
    parts.push(
      col.array
        ? `${t}.${col.column} && ${bind(allowed)}::text[]`
        : `${t}.${col.column} = any(${bind(allowed)}::text[])`,
    )
  }
  return parts.length === 0 ? 'true' : parts.map((p) => `(${p})`).join(' and ')
}
