import type { Database } from '../../db/index.ts'
import type { PersonRecord } from '../../match/persons.ts'
import { type Client, fieldView } from '../policy/index.ts'
import {
  addressKeys,
  byIdNumber,
  byName,
  byPhone,
  combine,
  type Condition,
  personsAt,
} from '../registers/lookups.ts'
import { selectRecords } from '../registers/read.ts'
import type { Doorstep } from './visit-row.ts'

/**
 * Who the doorstep input may be: the golden persons the client sees that it points at — by resident id,
 * by phone, by name and the birth date the id holds, by name (or anyone) at the address, by name alone —
 * each way through the client's row condition, so a person outside its scope is never even fetched.
 * Scoring (confidence.ts) then says which of them it most likely is.
 */

/** Rows per way of finding: the ways overlap, and a name alone matches many namesakes. */
const PER_WAY = 20

export interface PersonSearch {
  /** as typed: the lookups normalise it themselves */
  typed: Doorstep
  /** the visit's person as the matcher would load it, within the client's view */
  record: PersonRecord
  district: string
  trgm: boolean
}

async function ways(db: Database, s: PersonSearch): Promise<Condition[]> {
  const { typed, record } = s
  const out: Condition[] = []
  if (record.idNumber !== null && typed.idNumber !== undefined) out.push(byIdNumber(typed.idNumber))
  if (record.phones.length > 0) out.push(combine('or', ...record.phones.map((p) => byPhone(p))))
  const name =
    record.name === null
      ? null
      : combine('or', byName(record.name, 'fuzzy', s.trgm), byName(record.name, 'pinyin', s.trgm))
  if (record.namePinyin !== null && record.birthDate?.length === 10)
    out.push({
      where: 't.name_pinyin = $1 and t.birth_date = $2',
      params: [record.namePinyin, record.birthDate],
    })
  if (record.addressKey !== null && typed.address !== undefined) {
    const at = personsAt(await addressKeys(db, typed.address, s.district))
    out.push(name ? combine('and', at, name) : at)
  }
  if (record.name !== null) out.push(byName(record.name, 'pinyin', s.trgm))
  return out
}

/** Unmasked golden persons the input points at, each once. */
export async function findPersons(
  db: Database,
  client: Client,
  s: PersonSearch,
): Promise<Record<string, unknown>[]> {
  const found = new Map<string, Record<string, unknown>>()
  for (const cond of await ways(db, s)) {
    const rows = await selectRecords(db, client, 'person', {
      where: cond.where,
      params: cond.params,
      limit: PER_WAY,
    })
    for (const r of rows) if (!found.has(r.id as string)) found.set(r.id as string, r)
  }
  return [...found.values()]
}

/** The house at the typed dwelling (its canonical key, as the matcher keys houses), if the client sees it. */
export async function houseAt(
  db: Database,
  client: Client,
  dwellingKey: string | null,
): Promise<Record<string, unknown> | null> {
  if (dwellingKey === null || !client.house.read || fieldView(client, 'house', 'address') === 'hidden')
    return null
  const [house] = await selectRecords(db, client, 'house', {
    where: 't.key = $1',
    params: [dwellingKey],
    limit: 1,
  })
  return house ?? null
}

/** Of these golden houses, those the client sees. */
export async function housesById(
  db: Database,
  client: Client,
  ids: readonly string[],
): Promise<Record<string, unknown>[]> {
  if (ids.length === 0 || !client.house.read) return []
  return selectRecords(db, client, 'house', {
    where: 't.id = any($1::text[])',
    params: [[...ids]],
    limit: ids.length,
  })
}
