/**
 * Reads the division prefix of a cleaned address text (江苏省南京市秦淮区夫子庙街道莲子营社区…,
 * 南京秦淮区…, 夫子庙街道…) against the real division list and says where the rest begins.
 * Each level narrows the candidates of the next; a name shared by several divisions (鼓楼区 is in
 * Nanjing, Xuzhou, Fuzhou, Kaifeng) is settled by the hub's own district, else cut back to the
 * deepest level all candidates agree on.
 */
import type { Division } from './divisions.ts'
import { communitiesOf, communitiesOfDistrict, divisionsAtLevel } from './divisions.ts'
import { NameIndex } from './name-index.ts'

const UPPER_LEVELS = ['province', 'city', 'district', 'street'] as const
type UpperLevel = (typeof UPPER_LEVELS)[number]

// City-level rows that are placeholders, never written in an address.
const PLACEHOLDER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])
const SHORTENABLE_SUFFIXES: Record<UpperLevel, string[]> = {
  province: ['维吾尔自治区', '壮族自治区', '回族自治区', '特别行政区', '自治区', '省', '市'],
  city: ['地区', '市', '盟'],
  district: [],
  street: [],
}
const COUNTRY_PREFIXES = ['中华人民共和国', '中国']
// Written after a street or community name and meaning nothing more.
const TRAILING_NOISE = [
  '街道办事处',
  '办事处',
  '社区居民委员会',
  '居民委员会',
  '村民委员会',
  '居委会',
  '村委会',
]

let indexes: Record<UpperLevel, NameIndex> | null = null

function upperIndexes(): Record<UpperLevel, NameIndex> {
  if (indexes) return indexes
  const built = {} as Record<UpperLevel, NameIndex>
  for (const level of UPPER_LEVELS) {
    const index = new NameIndex()
    for (const d of divisionsAtLevel(level)) {
      if (PLACEHOLDER_NAMES.has(d.name)) continue
      index.add(d.name, d)
      for (const suffix of SHORTENABLE_SUFFIXES[level]) {
        if (d.name.endsWith(suffix)) {
          index.add(d.name.slice(0, -suffix.length), d, true)
          break
        }
      }
    }
    built[level] = index
  }
  indexes = built
  return built
}

const communityIndexes = new Map<string, NameIndex>()

/** Community names of one street (9 digits) or district (6 digits), read and indexed on first need. */
function communityIndex(scope: string): NameIndex {
  let index = communityIndexes.get(scope)
  if (index) return index
  index = new NameIndex()
  const rows = scope.length === 9 ? communitiesOf(scope) : communitiesOfDistrict(scope)
  for (const d of rows) {
    index.add(d.commonName, d)
    index.add(d.name, d)
  }
  communityIndexes.set(scope, index)
  return index
}

/** Two codes on one line of descent (320104 and 320104002, or 32 and 320104). */
export const related = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a)

const descendsFromAny = (scope: Division[] | null) => (d: Division) =>
  scope === null || scope.some((p) => d.code.startsWith(p.code))

/** The one code the candidates stand for: the hub's district first, else what they all share. */
export function settle(candidates: Division[], defaultDistrict?: string): string | null {
  let pool = candidates
  if (defaultDistrict && pool.length > 1) {
    for (const n of [6, 4, 2]) {
      const near = pool.filter((d) => related(d.code, defaultDistrict.slice(0, n)))
      if (near.length > 0) {
        pool = near
        break
      }
    }
  }
  const first = pool[0]
  if (!first) return null
  if (pool.length === 1) return first.code
  for (const n of [9, 6, 4, 2]) {
    const prefix = first.code.slice(0, n)
    if (first.code.length >= n && pool.every((d) => d.code.startsWith(prefix))) return prefix
  }
  return null
}

function skipAny(text: string, pos: number, words: readonly string[]): number {
  for (const w of words) if (text.startsWith(w, pos)) return pos + w.length
  return pos
}

export interface UpperMatch {
  end: number // where the text after the division names begins
  code: string | null // deepest division named, settled; null when none or unresolvable
  named: boolean // the text named at least one division
}

function matchLevel(
  level: number,
  text: string,
  pos: number,
  scope: Division[] | null,
  accept: (d: Division) => boolean = descendsFromAny(scope),
) {
  const name = UPPER_LEVELS[level]
  return name === undefined ? null : upperIndexes()[name].longestAt(text, pos, accept)
}

const TOWNSHIP_NAME = /(街道|镇|乡|苏木)$/

/**
 * With no province, city or district named before it, a street is only trusted when it lies in
 * the hub's district or has a township's name: 41k streets include 城区, 开发区, 林场… that would
 * otherwise be read in free text anywhere in the country.
 */
function plausibleUnscoped(level: number, defaultDistrict?: string): ((d: Division) => boolean) | undefined {
  if (UPPER_LEVELS[level] !== 'street') return undefined
  return (d) =>
    (defaultDistrict !== undefined && d.code.startsWith(defaultDistrict)) || TOWNSHIP_NAME.test(d.name)
}

/** Province → city → district → street, each optional, in that order. Pure: memoised by the caller. */
export function matchUpperDivisions(text: string, defaultDistrict?: string): UpperMatch {
  let pos = skipAny(text, 0, COUNTRY_PREFIXES)
  let scope: Division[] | null = null
  for (let level = 0; level < UPPER_LEVELS.length; level++) {
    const m = matchLevel(
      level,
      text,
      pos,
      scope,
      scope === null ? plausibleUnscoped(level, defaultDistrict) : undefined,
    )
    if (!m) continue
    // 南京秦淮区 is a city, but 南京路 is a road: an abbreviation needs a deeper name after it,
    // and so does a two-character county (东区, 和县) named with nothing above it
    const doubtful = m.short || (scope === null && m.length <= 2)
    if (doubtful && !deeperNameAt(level, text, pos + m.length, m.divisions)) continue
    scope = m.divisions
    pos += m.length
    if (UPPER_LEVELS[level] === 'street') pos = skipAny(text, pos, TRAILING_NOISE)
  }
  return { end: pos, code: scope ? settle(scope, defaultDistrict) : null, named: scope !== null }
}

function deeperNameAt(level: number, text: string, pos: number, scope: Division[]): boolean {
  for (let deeper = level + 1; deeper < UPPER_LEVELS.length; deeper++) {
    if (matchLevel(deeper, text, pos, scope)) return true
  }
  return false
}

// A community is only looked for when the text can hold one; most addresses name none.
const COMMUNITY_HINT = /社区|村|居委|委员会/

export interface CommunityMatch {
  end: number
  code: string
  commonName: string // 小红门村, however the text wrote it
}

/** A community name at `pos`, among the communities of `scope` (a street's or a district's code). */
export function matchCommunity(text: string, pos: number, scope: string): CommunityMatch | null {
  if (!COMMUNITY_HINT.test(text.slice(pos))) return null
  const m = communityIndex(scope).longestAt(text, pos)
  if (!m) return null
  const code = settle(m.divisions)
  const community = m.divisions.find((d) => d.code === code)
  if (!community) return null
  return {
    end: skipAny(text, pos + m.length, TRAILING_NOISE),
    code: community.code,
    commonName: community.commonName,
  }
}
