/**
 * Units (实有单位): the market register and the social-organisation register name them by credit
 * code and registered name; street patrols by the sign over the door (店招名称), its premises, its
 * operator and phone; migrants by whatever they call their employer. Names compare by their core:
 * the registered name without the province, city and district in front (南京市秦淮区旺天家政服务经营部
 * and 旺天家政服务经营部 are one name), so a sole trader's district prefix does not split it.
 */
import type { Database } from '../db/types.ts'
import { divisionsAtLevel } from '../normalize/address/divisions.ts'
import { type Feature, ruleOf } from './blocking.ts'
import { buildingOf } from './houses.ts'
import type { AddressCanon } from './houses.ts'
import type { Comparison, EntitySpec, HardRule } from './linker.ts'
import { mentionPages, SEEN_AT, StringPool } from './load.ts'
import type { EntitySettings } from './settings.ts'

export interface UnitRecord {
  sourceRecordId: number
  source: string
  recordId: string
  role: string
  seenAt: string
  creditCode: string | null
  creditValid: boolean | null
  regNo: string | null
  name: string | null
  coreName: string | null
  signName: string | null
  kind: string | null
  legalForm: string | null
  status: string | null
  industry: string | null
  phones: string[]
  premises: string | null // canonical house key
  building: string | null
  people: string[] // names of the legal representative or operator on the same record
}

interface Prefixes {
  names: Set<string>
  lengths: number[] // longest first
}

let prefixes: Prefixes | null = null

/** Division names and their short forms (南京市, 南京; 秦淮区, 秦淮), looked up by length, longest first. */
function divisionPrefixes(): Prefixes {
  if (prefixes) return prefixes
  const names = new Set<string>()
  for (const level of ['province', 'city', 'district'] as const) {
    for (const d of divisionsAtLevel(level)) {
      names.add(d.name)
      const short = d.name.replace(/(省|市|自治区|特别行政区|区|县|自治州|地区|盟)$/, '')
      if (short.length >= 2) names.add(short)
    }
  }
  const lengths = [...new Set([...names].map((n) => n.length))].sort((a, b) => b - a)
  prefixes = { names, lengths }
  return prefixes
}

/** The longest division name `s` starts with at `from`, leaving at least two characters after it. */
function prefixAt(s: string, from: number): string | null {
  const { names, lengths } = divisionPrefixes()
  for (const n of lengths) {
    if (s.length - from - n < 2) continue
    const p = s.slice(from, from + n)
    if (names.has(p)) return p
  }
  return null
}

/** The name without divisions in front: at most three (province, city, district). */
export function coreName(name: string | null): string | null {
  if (name === null) return null
  let s = name
  for (let k = 0; k < 3; k++) {
    // 市秦淮区…: what is left when someone cuts 南京 off 南京市秦淮区…
    const orphan = /^[省市区县]/.test(s) ? 1 : 0
    const p = prefixAt(s, orphan)
    if (!p) break
    s = s.slice(orphan + p.length)
  }
  return s
}

const COLUMNS = `${SEEN_AT}, m.credit_code, m.credit_valid, m.reg_no, m.name, m.sign_name, m.kind, m.legal_form,
  m.status, m.industry, m.phones, m.address_key,
  (select array_agg(p.name order by p.role) from source_persons p
    where p.source_record_id = m.source_record_id and p.role in ('legal_rep', 'operator') and p.name is not null) as people`

export async function loadUnits(
  db: Database,
  canon: AddressCanon,
  records?: readonly number[],
): Promise<UnitRecord[]> {
  const out: UnitRecord[] = []
  const pool = new StringPool()
  for await (const page of mentionPages(db, 'source_units', COLUMNS, { records })) {
    for (const r of page) {
      const premises = pool.str(canon.dwelling(pool.str(r.address_key)))
      const name = pool.str(r.name)
      out.push({
        // written out, not spread: a million records keep one compact shape
        sourceRecordId: Number(r.source_record_id),
        source: pool.str(r.source) as string,
        recordId: String(r.record_id),
        role: pool.str(r.role) as string,
        seenAt: pool.str(r.seen_at) as string,
        creditCode: pool.str(r.credit_code),
        creditValid: r.credit_valid === null ? null : Boolean(r.credit_valid),
        regNo: pool.str(r.reg_no),
        name,
        coreName: pool.str(coreName(name)),
        signName: pool.str(r.sign_name),
        kind: pool.str(r.kind),
        legalForm: pool.str(r.legal_form),
        status: pool.str(r.status),
        industry: pool.str(r.industry),
        phones: pool.strs(r.phones),
        premises,
        building: pool.str(buildingOf(premises)),
        people: pool.strs(r.people),
      })
    }
  }
  return out
}

/** A valid credit code is an anchor: no cluster holds two. */
export const unitAnchor = (r: UnitRecord): string | null => (r.creditValid ? r.creditCode : null)

/** Every name a record answers to: its registered core name and its sign. */
const namesOf = (r: UnitRecord): string[] => {
  const out: string[] = []
  if (r.coreName) out.push(r.coreName)
  if (r.signName && r.signName !== r.coreName) out.push(r.signName)
  return out
}

const FEATURES: Record<string, Feature<UnitRecord>> = {
  creditCode: (r) => r.creditCode ?? r.regNo,
  coreName: (r) => r.coreName,
  signName: (r) => r.signName,
  anyName: namesOf, // a migrant's employer may be the registered name or the sign
  premises: (r) => r.premises,
  phone: (r) => r.phones,
}

const codeLevel = (a: UnitRecord, b: UnitRecord): number => {
  const x = a.creditCode ?? a.regNo
  const y = b.creditCode ?? b.regNo
  if (x === null || y === null) return 0
  return x === y ? 1 : 2
}

const nameLevel = (a: UnitRecord, b: UnitRecord): number => {
  const x = namesOf(a)
  const y = namesOf(b)
  if (x.length === 0 || y.length === 0) return 0
  if (a.coreName !== null && a.coreName === b.coreName) return 1
  for (const n of x) if (y.includes(n)) return 2 // a sign agrees with a sign or a name
  for (const n of x)
    for (const m of y) if (n.length >= 4 && m.length >= 4 && (n.includes(m) || m.includes(n))) return 3
  return 4
}

const premisesLevel = (a: UnitRecord, b: UnitRecord): number => {
  if (a.premises === null || b.premises === null) return 0
  if (a.premises === b.premises) return 1
  return a.building !== null && a.building === b.building ? 2 : 3
}

const phoneLevel = (a: UnitRecord, b: UnitRecord): number => {
  if (a.phones.length === 0 || b.phones.length === 0) return 0
  return a.phones.some((p) => b.phones.includes(p)) ? 1 : 2
}

const personLevel = (a: UnitRecord, b: UnitRecord): number => {
  if (a.people.length === 0 || b.people.length === 0) return 0
  return a.people.some((p) => b.people.includes(p)) ? 1 : 2
}

export const UNIT_COMPARISONS: Comparison<UnitRecord>[] = [
  { name: 'credit code', levels: ['null', 'exact', 'different'], level: codeLevel },
  {
    name: 'name',
    levels: ['null', 'same registered name', 'same sign', 'one contains the other', 'different'],
    level: nameLevel,
    tf: { level: 1, value: (r) => r.coreName },
  },
  { name: 'premises', levels: ['null', 'same premises', 'same building', 'different'], level: premisesLevel },
  { name: 'phone', levels: ['null', 'shared', 'different'], level: phoneLevel },
  { name: 'operator', levels: ['null', 'same name', 'different'], level: personLevel },
]

const START_M = [
  [1, 0.95, 0.05],
  [1, 0.7, 0.2, 0.05, 0.05],
  [1, 0.8, 0.1, 0.1],
  [1, 0.8, 0.2],
  [1, 0.9, 0.1],
]

/** The divisions written before the core (南京市秦淮区 in 南京市秦淮区旺天家政服务经营部). */
const prefixOf = (r: UnitRecord): string =>
  r.name !== null && r.coreName !== null ? r.name.slice(0, r.name.length - r.coreName.length) : ''

const placeCore = (p: string): string => p.replace(/[省市区县]/g, '')

/**
 * 南京, 南京市秦淮区, 南京秦淮区 and 秦淮区 may be one place written shorter; 苏州 and 南京 are not.
 * Compared without the 省/市/区/县 words, one must begin or end the other.
 */
const samePlace = (x: string, y: string): boolean => {
  const a = placeCore(x)
  const b = placeCore(y)
  return a === '' || b === '' || a.startsWith(b) || b.startsWith(a) || a.endsWith(b) || b.endsWith(a)
}

export const UNIT_RULES: HardRule<UnitRecord>[] = [
  {
    name: 'same credit code',
    judge: (a, b) =>
      a.creditValid && b.creditValid ? (a.creditCode === b.creditCode ? 'link' : 'apart') : null,
  },
  {
    // a registration authority never gives one name to two units, so the registered name is an id
    name: 'same registered name',
    judge: (a, b) =>
      a.coreName !== null && a.coreName === b.coreName && samePlace(prefixOf(a), prefixOf(b)) ? 'link' : null,
  },
]

/**
 * A mention known only by a name (a migrant's employer) joins the one cluster that answers to that
 * name, as its registered name or its sign; a name two clusters answer to stays unresolved.
 */
export function attachByUniqueName(
  records: readonly UnitRecord[],
  find: (i: number) => number,
  union: (a: number, b: number) => boolean,
): number[] {
  const holders = new Map<string, Set<number>>()
  const first = new Map<number, number>()
  records.forEach((r, i) => {
    if (r.role === 'employer') return
    const root = find(i)
    if (!first.has(root)) first.set(root, i)
    for (const n of namesOf(r)) {
      let s = holders.get(n)
      if (!s) holders.set(n, (s = new Set()))
      s.add(root)
    }
  })
  const joined: number[] = []
  records.forEach((r, i) => {
    if (r.role !== 'employer' || r.coreName === null) return
    const s = holders.get(r.coreName)
    if (!s || s.size !== 1) return
    const [root] = s
    if (root !== undefined && find(i) !== find(root) && union(i, first.get(root) ?? root)) joined.push(i)
  })
  return joined
}

export function unitSpec(settings: EntitySettings): EntitySpec<UnitRecord> {
  return {
    entityType: 'unit',
    comparisons: UNIT_COMPARISONS,
    blocking: settings.blocking.map((f) => ruleOf(f, FEATURES)),
    rules: UNIT_RULES,
    startM: START_M,
    startLambda: 0.1,
  }
}
