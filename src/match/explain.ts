/**
 * Explanations a steward can read: a golden record with each source record that joined it (the
 * probability and the rule, model or steward that linked it) and the provenance of each field; a pair
 * of source records with the weight each comparison adds, which sum (with the prior) to its score.
 */
import type { Database } from '../db/types.ts'
import { SanshiError } from '../errors.ts'
import { AddressCanon, loadHouses } from './houses.ts'
import { Linker } from './linker.ts'
import { probability } from './model.ts'
import { activeModel } from './models.ts'
import { loadPersons, type PersonRecord, personSpec } from './persons.ts'
import { contextOf } from './run.ts'
import { loadSettings, type MatchSettings } from './settings.ts'
import { loadUnits, type UnitRecord, unitSpec } from './units.ts'

export type GoldenType = 'person' | 'house' | 'unit'

export interface GoldenExplanation {
  entityType: GoldenType
  id: string
  /** Set when the asked id was merged away: the id it redirects to. */
  redirectedFrom: string | null
  fields: Record<string, unknown>
  provenance: Record<string, { sourceRecordId: number; source: string; rule: string }>
  members: {
    source: string
    recordId: string
    role: string
    sourceRecordId: number
    probability: number | null
    method: string
    modelVersion: string | null
    batchId: string
    rowNumber: number
  }[]
}

const TABLE: Record<GoldenType, string> = { person: 'persons', house: 'houses', unit: 'units' }

export async function explainGolden(
  db: Database,
  entityType: GoldenType,
  asked: string,
): Promise<GoldenExplanation> {
  let id = asked
  let redirectedFrom: string | null = null
  for (let hops = 0; hops < 20; hops++) {
    const [r] = await db.query<{ to_id: string }>(
      `select to_id from golden_redirects where entity_type = $1 and from_id = $2`,
      [entityType, id],
    )
    if (!r) break
    redirectedFrom ??= asked
    id = r.to_id
  }
  const [row] = await db.query<Record<string, unknown>>(`select * from ${TABLE[entityType]} where id = $1`, [
    id,
  ])
  if (!row) throw new SanshiError('SANSHI404', `no golden ${entityType} ${asked}`)
  const provenance = (row.provenance ?? row.fields ?? {}) as GoldenExplanation['provenance']
  const fields = Object.fromEntries(
    Object.entries(row).filter(([k]) => !['provenance', 'fields', 'created_at', 'updated_at'].includes(k)),
  )
  const members = await db.query<{
    source: string
    record_id: string
    role: string
    source_record_id: string
    probability: number | null
    method: string
    model_version: string | null
    batch_id: string
    row_number: number
  }>(
    `select r.source, r.record_id, l.role, l.source_record_id, l.probability, l.method, l.model_version,
            r.batch_id, r.row_number
       from entity_links l join source_records r on r.id = l.source_record_id
      where l.entity_type = $1 and l.golden_id = $2
      order by r.source, r.record_id, l.role`,
    [entityType, id],
  )
  return {
    entityType,
    id,
    redirectedFrom,
    fields,
    provenance,
    members: members.map((m) => ({
      source: m.source,
      recordId: m.record_id,
      role: m.role,
      sourceRecordId: Number(m.source_record_id),
      probability: m.probability === null ? null : Number(m.probability),
      method: m.method,
      modelVersion: m.model_version,
      batchId: m.batch_id,
      rowNumber: m.row_number,
    })),
  }
}

export interface PairExplanation {
  entityType: 'person' | 'unit' | 'house'
  left: { ref: string; values: Record<string, unknown> }
  right: { ref: string; values: Record<string, unknown> }
  modelVersion: string | null
  terms: { name: string; level: string; weight: number }[]
  prior: number
  weight: number
  probability: number
  rule: { name: string; decision: 'link' | 'apart' } | null
  /** The golden ids each side is linked to now. */
  now: { left: string | null; right: string | null }
}

/** SOURCE:RECORD or SOURCE:RECORD/ROLE → the source record's id and the role asked for, if any. */
export async function parseRef(
  db: Database,
  ref: string,
): Promise<{ id: number; role: string | null; ref: string }> {
  const m = /^([a-z][a-z0-9_.-]*):([^/]+)(?:\/([a-z_]+))?$/.exec(ref)
  if (!m) throw new SanshiError('SANSHI101', `"${ref}" is not SOURCE:RECORD or SOURCE:RECORD/ROLE`)
  const [, source, recordId, role] = m
  const [row] = await db.query<{ id: string }>(
    `select id from source_records where source = $1 and record_id = $2`,
    [source, recordId],
  )
  if (!row) throw new SanshiError('SANSHI404', `no source record ${source}:${recordId}`)
  return { id: Number(row.id), role: role ?? null, ref: `${source}:${recordId}` }
}

export async function explainPair(
  db: Database,
  leftRef: string,
  rightRef: string,
  settings: MatchSettings = loadSettings(),
): Promise<PairExplanation> {
  const a = await parseRef(db, leftRef)
  const b = await parseRef(db, rightRef)
  const canon = await AddressCanon.learn(db)
  const pick = <R extends { role: string }>(rs: R[], want: string | null, ref: string): R | null => {
    const hits = want ? rs.filter((r) => r.role === want) : rs
    if (hits.length > 1)
      throw new SanshiError(
        'SANSHI101',
        `${ref} has several roles (${hits.map((h) => h.role).join(', ')}): add /ROLE`,
      )
    return hits[0] ?? null
  }
  const persons = await loadPersons(db, canon, [a.id, b.id])
  await contextOf(db, persons)
  const pa = pick(
    persons.filter((p) => p.sourceRecordId === a.id),
    a.role,
    a.ref,
  )
  const pb = pick(
    persons.filter((p) => p.sourceRecordId === b.id),
    b.role,
    b.ref,
  )
  const units = await loadUnits(db, canon, [a.id, b.id])
  const ua = pick(
    units.filter((u) => u.sourceRecordId === a.id),
    a.role,
    a.ref,
  )
  const ub = pick(
    units.filter((u) => u.sourceRecordId === b.id),
    b.role,
    b.ref,
  )
  const now = async (type: string, id: number, role: string) => {
    const [r] = await db.query<{ golden_id: string }>(
      `select golden_id from entity_links where entity_type = $1 and source_record_id = $2 and role = $3`,
      [type, id, role],
    )
    return r?.golden_id ?? null
  }
  if (pa && pb) {
    const linker = new Linker(personSpec(settings.person))
    return pairOf(db, linker, 'person', pa, pb, a.ref, b.ref, personValues, now)
  }
  if (ua && ub) {
    const linker = new Linker(unitSpec(settings.unit))
    return pairOf(db, linker, 'unit', ua, ub, a.ref, b.ref, unitValues, now)
  }
  const houses = await loadHouses(db, canon, [a.id, b.id])
  const ha = houses.find((h) => h.sourceRecordId === a.id)
  const hb = houses.find((h) => h.sourceRecordId === b.id)
  if (!ha || !hb) throw new SanshiError('SANSHI101', `${a.ref} and ${b.ref} describe no entity of one type`)
  const same = ha.key === hb.key
  return {
    entityType: 'house',
    left: { ref: `${a.ref}/${ha.role}`, values: { key: ha.key, address: ha.parts.addressRaw } },
    right: { ref: `${b.ref}/${hb.role}`, values: { key: hb.key, address: hb.parts.addressRaw } },
    modelVersion: null,
    terms: [
      {
        name: 'canonical address key',
        level: same ? 'same' : 'different',
        weight: same ? Infinity : -Infinity,
      },
    ],
    prior: 0,
    weight: same ? Infinity : -Infinity,
    probability: same ? 1 : 0,
    rule: { name: 'same canonical address key', decision: same ? 'link' : 'apart' },
    now: {
      left: await now('house', ha.sourceRecordId, ha.role),
      right: await now('house', hb.sourceRecordId, hb.role),
    },
  }
}

async function pairOf<R extends { sourceRecordId: number; role: string }>(
  db: Database,
  linker: Linker<R>,
  entityType: 'person' | 'unit',
  a: R,
  b: R,
  leftRef: string,
  rightRef: string,
  values: (r: R) => Record<string, unknown>,
  now: (type: string, id: number, role: string) => Promise<string | null>,
): Promise<PairExplanation> {
  const model = await activeModel(db, entityType)
  if (!model) throw new SanshiError('SANSHI404', `no ${entityType} model yet: run sanshi match`)
  const { terms, weight } = linker.explain(model, a, b)
  const { decision, rule } = linker.judge(a, b)
  return {
    entityType,
    left: { ref: `${leftRef}/${a.role}`, values: values(a) },
    right: { ref: `${rightRef}/${b.role}`, values: values(b) },
    modelVersion: model.version,
    terms,
    prior: weight - terms.reduce((s, t) => s + t.weight, 0),
    weight,
    probability: probability(weight),
    rule: decision === 0 ? null : { name: linker.ruleName(rule), decision: decision > 0 ? 'link' : 'apart' },
    now: {
      left: await now(entityType, a.sourceRecordId, a.role),
      right: await now(entityType, b.sourceRecordId, b.role),
    },
  }
}

const personValues = (r: PersonRecord): Record<string, unknown> => ({
  name: r.name,
  idNumber: r.idNumber ?? r.otherDocument,
  birthDate: r.birthDate,
  gender: r.gender,
  phones: r.phones,
  dwelling: r.addressKey,
  context: r.context,
})

const unitValues = (r: UnitRecord): Record<string, unknown> => ({
  creditCode: r.creditCode ?? r.regNo,
  name: r.name,
  signName: r.signName,
  premises: r.premises,
  phones: r.phones,
  operator: r.people,
})
