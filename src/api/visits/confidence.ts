import type { PersonMention } from '../../../schemas/mentions.ts'
import type { Database } from '../../db/index.ts'
import { type AddressCanon, buildingOf } from '../../match/houses.ts'
import { Linker, RULE_APART, RULE_LINK, type TrainedModel } from '../../match/linker.ts'
import { probability } from '../../match/model.ts'
import { activeModel } from '../../match/models.ts'
import { loadPersons, PERSON_COMPARISONS, type PersonRecord, personSpec } from '../../match/persons.ts'
import type { EntitySettings } from '../../match/settings.ts'
import { type Client, fieldView } from '../policy/index.ts'
import type { MatchedOn } from './schemas.ts'
import { VISIT_SOURCE } from './visit-row.ts'

/**
 * How likely the doorstep input is each candidate person, in the matcher's own terms: the input, as the
 * mention a confirmed visit would become, is compared with every source record the golden person was
 * built from, by the active person model (its m and u per comparison level, term frequencies, prior)
 * and its hard rule (one valid resident id). The confidence is the best pair's match probability —
 * what the matcher would give the visit joining that person — so 0.99 here is the matcher's 0.99.
 */

export interface Confidence {
  confidence: number
  matchedOn: MatchedOn[]
}

/** A comparison's levels that count as the typed value agreeing. */
const AGREEMENT: Readonly<Record<string, { field: MatchedOn; levels: readonly string[] }>> = {
  id: { field: 'idNumber', levels: ['exact'] },
  name: { field: 'name', levels: ['exact', 'same pinyin'] },
  phone: { field: 'phone', levels: ['shared mobile', 'shared landline'] },
  dwelling: { field: 'address', levels: ['same dwelling'] },
}

/** The person's record as the visit's mention would be loaded by the matcher (persons.ts loadPersons). */
export function visitRecord(p: PersonMention, canon: AddressCanon): PersonRecord {
  const addressKey = canon.dwelling(p.address?.key ?? null)
  return {
    sourceRecordId: 0,
    source: VISIT_SOURCE,
    recordId: '',
    role: 'person',
    seenAt: '',
    name: p.name,
    namePinyin: p.namePinyin,
    idNumber: p.idNumber,
    idValid: p.idValid,
    otherDocument: p.otherDocument,
    gender: p.gender,
    birthDate: p.birthDate?.value ?? null,
    birthPrecision: p.birthDate?.precision ?? null,
    ethnicity: p.ethnicity,
    phones: p.phones,
    addressKey,
    buildingKey: buildingOf(addressKey),
    hukouAddressKey: p.hukouAddress?.key ?? null,
    category: p.category,
    assistance: p.assistance,
    gridCode: p.gridCode,
    householdNo: p.householdNo,
    relationToHead: p.relationToHead,
    employerName: p.employerName,
    context: null,
  }
}

/**
 * The input without what the client may not see of a person at all: a field hidden from it is neither
 * searched nor compared, so neither the candidates nor their confidence say anything about it.
 */
export function withinView(client: Client, r: PersonRecord): PersonRecord {
  const hidden = (field: string) => fieldView(client, 'person', field) === 'hidden'
  const out = { ...r }
  if (hidden('idNumber')) Object.assign(out, { idNumber: null, idValid: null, otherDocument: null })
  if (hidden('name')) Object.assign(out, { name: null, namePinyin: null })
  if (hidden('birthDate')) out.birthDate = null
  if (hidden('gender')) out.gender = null
  if (hidden('phones')) out.phones = []
  if (hidden('address')) Object.assign(out, { addressKey: null, buildingKey: null })
  return out
}

/** The active person model, read again only when a match run has made another one active. */
const models = new WeakMap<Database, { version: string; model: Promise<TrainedModel | null> }>()

export async function personModel(db: Database): Promise<TrainedModel | null> {
  const [row] = await db.query<{ version: string }>(
    `select version from match_models where entity_type = 'person' and active order by trained_at desc limit 1`,
  )
  if (!row) return null
  const had = models.get(db)
  if (had && had.version === row.version) return had.model
  const model = activeModel(db, 'person')
  models.set(db, { version: row.version, model })
  model.catch(() => models.delete(db))
  return model
}

/** The model's comparisons must be the ones the code compares by, or its weights mean something else. */
const fits = (model: TrainedModel): boolean =>
  model.comparisons.length === PERSON_COMPARISONS.length &&
  model.comparisons.every((c, k) => c.name === PERSON_COMPARISONS[k]!.name)

/** Scores one pair as the matcher would: a hard rule decides outright, else the model's probability. */
export function scorePair(
  linker: Linker<PersonRecord>,
  model: TrainedModel,
  typed: PersonRecord,
  known: PersonRecord,
): Confidence {
  const { decision } = linker.judge(typed, known)
  const { terms, weight } = linker.explain(model, typed, known)
  const confidence = decision === RULE_LINK ? 1 : decision === RULE_APART ? 0 : probability(weight)
  const matchedOn = terms.flatMap((t) => {
    const agreement = AGREEMENT[t.name]
    return agreement?.levels.includes(t.level) ? [agreement.field] : []
  })
  return { confidence, matchedOn }
}

const ORDER: readonly MatchedOn[] = ['idNumber', 'phone', 'name', 'address']

/**
 * Each golden person's confidence: the best over the source records it was built from. What agreed is
 * gathered over all of them (the id on one record, the phone on another).
 */
export async function scorePersons(
  db: Database,
  canon: AddressCanon,
  settings: EntitySettings,
  typed: PersonRecord,
  goldenIds: readonly string[],
): Promise<{ scores: Map<string, Confidence>; model: string | null }> {
  const scores = new Map<string, Confidence>()
  if (goldenIds.length === 0) return { scores, model: null }
  const model = await personModel(db)
  if (!model || !fits(model)) return { scores, model: null }
  const links = await db.query<{ golden_id: string; source_record_id: string; role: string }>(
    `select golden_id, source_record_id, role from entity_links
      where entity_type = 'person' and golden_id = any($1::text[])`,
    [[...goldenIds]],
  )
  const goldenOf = new Map(links.map((l) => [`${l.source_record_id}/${l.role}`, l.golden_id]))
  const mentions = await loadPersons(
    db,
    canon,
    links.map((l) => Number(l.source_record_id)),
  )
  const linker = new Linker(personSpec(settings))
  const agreed = new Map<string, Set<MatchedOn>>()
  // a person holding another valid resident id than the one typed: the matcher's clusters never hold two
  const apart = new Set<string>()
  for (const m of mentions) {
    const golden = goldenOf.get(`${m.sourceRecordId}/${m.role}`)
    if (!golden) continue // another role of the same record (a rental row's owner beside its tenant)
    if (linker.judge(typed, m).decision === RULE_APART) apart.add(golden)
    const s = scorePair(linker, model, typed, m)
    const best = scores.get(golden)
    if (!best || s.confidence > best.confidence)
      scores.set(golden, { confidence: s.confidence, matchedOn: [] })
    const set = agreed.get(golden) ?? new Set()
    for (const f of s.matchedOn) set.add(f)
    agreed.set(golden, set)
  }
  for (const [golden, score] of scores) {
    if (apart.has(golden)) score.confidence = 0
    score.matchedOn = ORDER.filter((f) => agreed.get(golden)?.has(f) ?? false)
  }
  return { scores, model: model.version }
}
