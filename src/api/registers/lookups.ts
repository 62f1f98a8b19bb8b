import type { Database } from '../../db/index.ts'
import { SanshiError } from '../../errors.ts'
import { AddressCanon, buildingOf } from '../../match/houses.ts'
import { parseAddress } from '../../normalize/address/index.ts'
import { normalizeCreditCode } from '../../normalize/credit-code.ts'
import { normalizeOrgName, normalizePersonName } from '../../normalize/name.ts'
import { normalizePhones } from '../../normalize/phone.ts'
import { pinyinKey } from '../../normalize/pinyin.ts'
import { normalizeResidentId } from '../../normalize/resident-id.ts'

/**
 * What a client typed, normalised by the same normalisers the ingest uses, as a condition on a register
 * (alias `t`). So 32010419800101123x finds the id stored as …123X, 13812345678 finds +86 138-1234-5678,
 * and 贡院街12-3-2-301 finds the house written 秦淮区贡院街12号3栋2单元301室. Messages never repeat what
 * was typed: it may be an id or a phone number.
 */

export interface Condition {
  where: string
  params: unknown[]
  /** an order other than by id (fuzzy matches: best first) */
  orderBy?: string
  /**
   * one plan fits every value (an equality on an indexed column): the statement is kept prepared and
   * planned once. Not for LIKE patterns or similarity, whose best plan depends on the value.
   */
  planOnce?: boolean
}

const invalid = (what: string): SanshiError => new SanshiError('SANSHI101', what)

export function byIdNumber(raw: string): Condition {
  const id = normalizeResidentId(raw).value
  if (!id) throw invalid('id_number is not a resident id of 18 (or 15) characters')
  return { where: 't.id_number = $1', params: [id.value], planOnce: true }
}

export function byPhone(raw: string): Condition {
  const phone = normalizePhones(raw).value?.[0]
  if (!phone) throw invalid('phone is not a phone number')
  return { where: 't.phones @> array[$1]::text[]', params: [phone], planOnce: true }
}

export type NameMatch = 'exact' | 'pinyin' | 'fuzzy'

/** 王小明 → ['_小明', '王_明', '王小_']: the names one character away, for LIKE. */
const oneCharAway = (name: string): string[] => {
  const chars = [...name].map((c) => c.replace(/[\\%_]/g, (m) => '\\' + m))
  return chars.map((_, i) => chars.map((c, j) => (i === j ? '_' : c)).join(''))
}

/**
 * Names: exact; the same pinyin (张晓明 for 张小明); or fuzzy — one character away, and on a database
 * with pg_trgm also trigram-similar names (longer names, transliterations), the most similar first.
 */
export function byName(raw: string, match: NameMatch, trgm: boolean, column = 't.name'): Condition {
  const name = (column === 't.name' ? normalizePersonName(raw) : normalizeOrgName(raw)).value
  if (!name) throw invalid('name is empty or not a name')
  switch (match) {
    case 'exact':
      return { where: `${column} = $1`, params: [name], planOnce: true }
    case 'pinyin':
      return { where: 't.name_pinyin = $1', params: [pinyinKey(name)], planOnce: true }
    case 'fuzzy': {
      const like = [...name].length <= 12 ? oneCharAway(name) : []
      const similar = trgm ? ` or ${column} % $1` : ''
      return {
        where: `${column} = $1 or ${column} like any($2::text[])${similar}`,
        params: [name, like],
        orderBy: trgm ? `similarity(${column}, $1) desc, t.id` : `(${column} = $1) desc, t.id`,
      }
    }
  }
}

export function byCreditCode(raw: string): Condition {
  const code = normalizeCreditCode(raw).value
  if (!code) throw invalid('credit_code is not a unified social credit code or registration number')
  return { where: 't.credit_code = $1', params: [code.value], planOnce: true }
}

/** A unit by its registered name or a sign over its door (店招名称). */
export function byUnitName(raw: string, match: 'exact' | 'fuzzy', trgm: boolean): Condition {
  const name = normalizeOrgName(raw).value
  if (!name) throw invalid('name is empty or not a name')
  if (match === 'exact') return { where: 't.name = $1 or t.sign_names @> array[$1]::text[]', params: [name] }
  const escaped = name.replace(/[\\%_]/g, (m) => '\\' + m)
  return {
    where: trgm
      ? `t.name % $1 or t.name like $2 or t.sign_names @> array[$1]::text[]`
      : `t.name like $2 or t.sign_names @> array[$1]::text[]`,
    params: [name, `%${escaped}%`],
    orderBy: trgm ? 'similarity(t.name, $1) desc, t.id' : '(t.name = $1) desc, t.id',
  }
}

/**
 * The learnt compound → door-number aliases (houses.ts), so 华侨小区1栋301 finds the house keyed on
 * 常府街8号. Learnt once per match run: a run is what changes them.
 */
const canons = new WeakMap<Database, { run: string; canon: Promise<AddressCanon> }>()

export async function addressCanon(db: Database): Promise<AddressCanon> {
  const [last] = await db.query<{ id: string }>(`select coalesce(max(id)::text, '') as id from match_runs`)
  const run = last?.id ?? ''
  const had = canons.get(db)
  if (had && had.run === run) return had.canon
  const canon = AddressCanon.learn(db)
  canons.set(db, { run, canon })
  canon.catch(() => canons.delete(db))
  return canon
}

export interface AddressKeys {
  /** the dwelling's key, when the text reached a room */
  key: string | null
  /** the building's key, when it reached a building but no room: every room of it matches */
  building: string | null
}

/** The canonical keys an address text stands for in the house register. */
export async function addressKeys(db: Database, raw: string, district: string): Promise<AddressKeys> {
  const parsed = parseAddress(raw, { defaultDistrict: district }).value
  if (!parsed || parsed.key.includes('|#'))
    throw invalid('address does not reach a road or compound; give at least 道路+门牌 or 小区+楼栋')
  const canon = await addressCanon(db)
  const key = canon.key(parsed.key)!
  if (parsed.room) return { key, building: null }
  return { key: null, building: buildingOf(key) ?? key.slice(0, key.lastIndexOf('|')) }
}

/** Houses at an address: the dwelling itself, or every house of the building when no room was given. */
export function housesAt(keys: AddressKeys, t = 't'): Condition {
  if (keys.key) return { where: `${t}.key = $1`, params: [keys.key] }
  const escaped = keys.building!.replace(/[\\%_]/g, (m) => '\\' + m)
  return { where: `${t}.key like $1`, params: [`${escaped}|%`] }
}

/** Persons who live at, own or rent a house at the address. */
export function personsAt(keys: AddressKeys): Condition {
  const houses = housesAt(keys, 'hk')
  return {
    where: `t.house_id in (select hk.id from houses hk where ${houses.where})
            or t.id in (select ph.person_id from person_houses ph join houses hk on hk.id = ph.house_id
                         where ${houses.where})`,
    params: houses.params,
  }
}

/** Conditions joined by AND or OR, the later ones' placeholders renumbered after the earlier ones'. */
export function combine(op: 'and' | 'or', ...conds: readonly Condition[]): Condition {
  const params: unknown[] = []
  const parts = conds.map((c) => {
    const shift = params.length
    params.push(...c.params)
    return `(${c.where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`)})`
  })
  return { where: parts.join(` ${op} `), params }
}
