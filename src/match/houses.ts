/**
 * Houses resolve on the canonical address key (src/normalize/address/key.ts), which already makes
 * the spellings of one dwelling agree (depths, 幢/栋, 三单元, dashes). What a key cannot know from
 * one string is that a compound (华侨小区) stands at a door number (常府街8号): that is learnt
 * from the addresses that write both, and compound-only keys are rewritten onto the door number.
 * An address without a room stays at its building and is marked partial, never forced onto a room.
 */
import type { Database } from '../db/types.ts'
import type { HouseMember } from './survivorship/index.ts'
import { mentionPages, SEEN_AT, StringPool } from './load.ts'

export interface HouseRecord {
  sourceRecordId: number
  source: string
  recordId: string
  role: string
  seenAt: string
  key: string // canonical
  buildingKey: string | null
  divisionCode: string | null
  communityCode: string | null
  usage: string | null
  gridCode: string | null
  lng: number | null
  lat: number | null
  partial: boolean
  /** The parsed parts as the record wrote them, for the golden address. */
  parts: Pick<HouseMember, AddressPart>
}

type AddressPart =
  | 'addressRaw'
  | 'districtCode'
  | 'streetCode'
  | 'road'
  | 'number'
  | 'compound'
  | 'building'
  | 'unit'
  | 'floor'
  | 'room'
  | 'depth'
  | 'key'
  | 'buildingKey'

/** district|@compound → district|road|number, learnt by majority from addresses that give both. */
export class AddressCanon {
  constructor(private readonly aliases: ReadonlyMap<string, string>) {}

  static async learn(db: Database): Promise<AddressCanon> {
    const rows = await db.query<{ d: string; compound: string; road: string; number: string; n: number }>(
      `select coalesce(district_code, '?') as d, compound, road, number, count(*)::int as n
         from source_houses
        where compound is not null and road is not null and number is not null
        group by 1, 2, 3, 4`,
    )
    const best = new Map<string, { target: string; n: number; total: number }>()
    for (const r of rows) {
      const from = `${r.d}|@${r.compound}`
      const target = `${r.d}|${r.road}|${r.number}`
      const b = best.get(from)
      if (!b) best.set(from, { target, n: r.n, total: r.n })
      else {
        b.total += r.n
        if (r.n > b.n || (r.n === b.n && target < b.target)) Object.assign(b, { target, n: r.n })
      }
    }
    const aliases = new Map<string, string>()
    // a clear majority only: a compound name shared by two door numbers is left as written
    for (const [from, b] of best) if (b.n * 3 >= b.total * 2) aliases.set(from, b.target)
    return new AddressCanon(aliases)
  }

  get size(): number {
    return this.aliases.size
  }

  /** The canonical key of a dwelling, or null when the text named only a division (or nothing). */
  dwelling(key: string | null): string | null {
    const k = this.key(key)
    return k === null || k.includes('|#') ? null : k
  }

  /** The key with a compound-only head rewritten onto its door number. */
  key(key: string | null): string | null {
    if (key === null) return null
    const at = key.indexOf('|@')
    if (at < 0) return key
    const end = key.indexOf('|', at + 2)
    const head = end < 0 ? key : key.slice(0, end)
    const target = this.aliases.get(head)
    return target === undefined ? key : target + (end < 0 ? '' : key.slice(end))
  }
}

/** A key with a building but no room: the building is known, the dwelling is not. */
export const isPartial = (key: string): boolean => {
  if (key.startsWith('!')) return true
  const parts = key.split('|')
  return parts.length >= 4 && parts[parts.length - 1] === '' && parts[parts.length - 2] !== ''
}

/**
 * The building part of a canonical key, as the parser's buildingKey has it: a door number is a building
 * on its own (常府街8号), a bare road or compound is none.
 */
export const buildingOf = (key: string | null): string | null => {
  if (key === null || key.startsWith('!') || key.includes('|#')) return null
  const head = key.slice(0, key.lastIndexOf('|'))
  const parts = head.split('|')
  if (parts.length === 4) return parts[2] === '' && parts[3] === '' ? null : head // d|road|number|building
  if (parts.length === 3) return parts[2] === '' ? null : head // d|@compound|building
  return null
}

/** Every house mention, or only those of the given source records. */
export async function loadHouses(
  db: Database,
  canon: AddressCanon,
  records?: readonly number[],
): Promise<HouseRecord[]> {
  const out: HouseRecord[] = []
  const pool = new StringPool()
  const cols = `${SEEN_AT}, m.key, m.building_key, m.division_code, m.community_code, m.usage, m.grid_code, m.lng,
    m.lat, m.district_code, m.street_code, m.road, m.number, m.compound, m.building, m.unit, m.floor,
    m.room, m.depth`
  for await (const page of mentionPages(db, 'source_houses', cols, { records })) {
    for (const r of page) {
      // only a division recognised (or nothing): no dwelling to share, so the mention stands alone
      const key =
        pool.str(canon.dwelling(pool.str(r.key))) ?? `!${String(r.source_record_id)}/${String(r.role)}`
      out.push({
        // written out, not spread: a million records keep one compact shape
        sourceRecordId: Number(r.source_record_id),
        source: pool.str(r.source) as string,
        recordId: String(r.record_id),
        role: pool.str(r.role) as string,
        seenAt: pool.str(r.seen_at) as string,
        key,
        buildingKey: pool.str(buildingOf(key)),
        divisionCode: pool.str(r.division_code),
        communityCode: pool.str(r.community_code),
        usage: pool.str(r.usage),
        gridCode: pool.str(r.grid_code),
        lng: r.lng === null ? null : Number(r.lng),
        lat: r.lat === null ? null : Number(r.lat),
        partial: isPartial(key),
        parts: {
          addressRaw: null, // as written it stays in source_houses; the golden address takes the parsed parts
          districtCode: pool.str(r.district_code),
          streetCode: pool.str(r.street_code),
          road: pool.str(r.road),
          number: pool.str(r.number),
          compound: pool.str(r.compound),
          building: pool.str(r.building),
          unit: pool.str(r.unit),
          floor: pool.str(r.floor),
          room: pool.str(r.room),
          depth: pool.str(r.depth),
          key: pool.str(r.key),
          buildingKey: pool.str(r.building_key),
        },
      })
    }
  }
  return out
}

/** One cluster per canonical key; returns each record's cluster number and the clusters' keys. */
export function clusterHouses(records: readonly HouseRecord[]): { clusterOf: Int32Array; keys: string[] } {
  const index = new Map<string, number>()
  const keys: string[] = []
  const clusterOf = new Int32Array(records.length)
  records.forEach((r, i) => {
    let c = index.get(r.key)
    if (c === undefined) {
      c = keys.length
      index.set(r.key, c)
      keys.push(r.key)
    }
    clusterOf[i] = c
  })
  return { clusterOf, keys }
}
