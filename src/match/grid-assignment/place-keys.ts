/**
 * Places as coverage lists and standard-address lists name them, cut from canonical house keys
 * (src/normalize/address/key.ts): a site (compound or door number), a building, a house. The cut is
 * written twice, in TypeScript for the stored places and in SQL for the houses; a test holds them equal.
 */

export type PlaceLevel = 'house' | 'building' | 'site'

/**
 * The key of the place a canonical house key lies in at a level, as the SQL below cuts it:
 *   d|road|number|building|room → site d|road|number, building d|road|number|building
 *   d|@compound|building|room   → site d|@compound,   building d|@compound|building
 */
export function placeKey(key: string, level: PlaceLevel): string | null {
  if (key.startsWith('!') || key.includes('|#')) return null
  if (level === 'house') return key
  const [d, a = '', b = '', c = ''] = key.split('|')
  if (a.startsWith('@')) return level === 'site' ? `${d}|${a}` : b !== '' ? `${d}|${a}|${b}` : null
  if (level === 'site') return b !== '' ? `${d}|${a}|${b}` : null
  return c !== '' ? `${d}|${a}|${b}|${c}` : null
}

const part = (k: string, n: number) => `split_part(${k}, '|', ${n})`
const noPlace = (k: string) => `${k} like '!%' or ${k} like '%|#%'`
/** placeKey(key, 'site') in SQL. */
export const siteSql = (k: string): string =>
  `(case when ${noPlace(k)} then null
     when ${part(k, 2)} like '@%' then ${part(k, 1)} || '|' || ${part(k, 2)}
     when ${part(k, 3)} <> '' then ${part(k, 1)} || '|' || ${part(k, 2)} || '|' || ${part(k, 3)} end)`
/** placeKey(key, 'building') in SQL. */
export const buildingSql = (k: string): string =>
  `(case when ${noPlace(k)} then null
     when ${part(k, 2)} like '@%' then
       case when ${part(k, 3)} <> '' then ${part(k, 1)} || '|' || ${part(k, 2)} || '|' || ${part(k, 3)} end
     when ${part(k, 4)} <> '' then
       ${part(k, 1)} || '|' || ${part(k, 2)} || '|' || ${part(k, 3)} || '|' || ${part(k, 4)} end)`

/** Joins of a house (alias h) to a place table, one per level, aliased prefix + h|b|s. */
export const placeJoins = (table: string, prefix: string) =>
  `left join ${table} ${prefix}h on ${prefix}h.level = 'house' and ${prefix}h.key = h.key
   left join ${table} ${prefix}b on ${prefix}b.level = 'building' and ${prefix}b.key = ${buildingSql('h.key')}
   left join ${table} ${prefix}s on ${prefix}s.level = 'site' and ${prefix}s.key = ${siteSql('h.key')}`
