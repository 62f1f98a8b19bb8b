import type { Mapping } from '../../../connectors/index.ts'
import type { Database } from '../../db/index.ts'
import type { EntitySettings } from '../../match/settings.ts'
import type { Client } from '../policy/index.ts'
import { addressCanon } from '../registers/lookups.ts'
import { findPersons, houseAt, housesById } from './candidates.ts'
import { type Confidence, scorePersons, visitRecord, withinView } from './confidence.ts'
import { type Doorstep, mapVisit, refuseUnreadable, visitMapping } from './visit-row.ts'

/**
 * Look up before you collect: the persons and the house the doorstep input most likely is, each with
 * the matcher's confidence, for the worker's app to pre-fill. Records come back unmasked: the route
 * views them for the client (and logs the persons) before they leave.
 */

export const MAX_CANDIDATES = 5

export interface Candidate extends Confidence {
  record: Record<string, unknown>
}

export interface LookupResult {
  persons: Candidate[]
  houses: Candidate[]
  model: string | null
}

export interface LookupContext {
  mappings: readonly Mapping[]
  district: string
  settings: EntitySettings
  trgm: boolean
}

const byConfidence = (a: Candidate, b: Candidate): number =>
  b.confidence - a.confidence || String(a.record.id).localeCompare(String(b.record.id))

export async function lookupVisit(
  db: Database,
  client: Client,
  typed: Doorstep,
  ctx: LookupContext,
): Promise<LookupResult> {
  const visit = mapVisit(visitMapping(ctx.mappings), typed, 'lookup', ctx.district)
  refuseUnreadable(visit, typed)
  const canon = await addressCanon(db)
  // every doorstep field belongs to the person's role, so a visit that was read names a person
  const record = visit.person ? withinView(client, visitRecord(visit.person, canon)) : null
  const found = record
    ? await findPersons(db, client, { typed, record, district: ctx.district, trgm: ctx.trgm })
    : []
  const { scores, model } = record
    ? await scorePersons(
        db,
        canon,
        ctx.settings,
        record,
        found.map((r) => r.id as string),
      )
    : { scores: new Map<string, Confidence>(), model: null }
  const persons = found
    .map((r) => ({ record: r, ...(scores.get(r.id as string) ?? { confidence: 0, matchedOn: [] }) }))
    // the hard rule keeps them apart (two valid resident ids): never the same person, whatever else agrees
    .filter((c) => c.confidence > 0)
    .sort(byConfidence)
    .slice(0, MAX_CANDIDATES)

  // the house at the typed address is the one a confirmed visit joins (houses resolve on the key); with
  // no address typed, the homes of the likely persons, as likely as the person living there
  let houses: Candidate[] = []
  if (typed.address !== undefined) {
    const house = await houseAt(db, client, canon.dwelling(visit.house?.address.key ?? null))
    if (house) houses = [{ record: house, confidence: 1, matchedOn: ['address'] }]
  } else {
    const homeOf = new Map<string, number>()
    for (const p of persons) {
      const h = p.record.houseId
      if (typeof h === 'string') homeOf.set(h, Math.max(homeOf.get(h) ?? 0, p.confidence))
    }
    houses = (await housesById(db, client, [...homeOf.keys()]))
      .map((h) => ({
        record: h,
        confidence: homeOf.get(h.id as string) ?? 0,
        matchedOn: ['person' as const],
      }))
      .sort(byConfidence)
      .slice(0, MAX_CANDIDATES)
  }
  return { persons, houses, model }
}
