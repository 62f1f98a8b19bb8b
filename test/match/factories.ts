/**
 * Small record factories for the matcher's unit tests: every field null (or empty) unless a test sets
 * it, so a test states exactly what it compares.
 */
import { packPair } from '../../src/match/blocking.ts'
import { type ScoredPairs } from '../../src/match/linker.ts'
import type { PersonRecord } from '../../src/match/persons.ts'
import { coreName, type UnitRecord } from '../../src/match/units.ts'

export const SEEN = '2024-01-01T00:00:00.000Z'

export const person = (fields: Partial<PersonRecord> = {}, sourceRecordId = 1): PersonRecord => ({
  sourceRecordId,
  source: 'test.src',
  recordId: `r${sourceRecordId}`,
  role: 'person',
  seenAt: SEEN,
  name: null,
  namePinyin: null,
  idNumber: null,
  idValid: null,
  otherDocument: null,
  gender: null,
  birthDate: null,
  birthPrecision: null,
  ethnicity: null,
  phones: [],
  addressKey: null,
  buildingKey: null,
  hukouAddressKey: null,
  category: null,
  assistance: [],
  gridCode: null,
  householdNo: null,
  relationToHead: null,
  employerName: null,
  context: null,
  ...fields,
})

/** A unit whose core name is derived from `name` as loadUnits derives it, unless the test sets it. */
export const unit = (fields: Partial<UnitRecord> = {}, sourceRecordId = 1): UnitRecord => {
  const name = fields.name ?? null
  return {
    sourceRecordId,
    source: 'test.src',
    recordId: `r${sourceRecordId}`,
    role: 'unit',
    seenAt: SEEN,
    creditCode: null,
    creditValid: null,
    regNo: null,
    name,
    coreName: coreName(name),
    signName: null,
    kind: null,
    legalForm: null,
    status: null,
    industry: null,
    phones: [],
    premises: null,
    building: null,
    people: [],
    ...fields,
  }
}

/** Hand-built scored pairs: [a, b, weight, decision?, rule?] per pair, in the order given. */
export const scoredPairs = (rows: readonly (readonly [number, number, number, number?, number?])[]) => {
  const n = rows.length
  const out: ScoredPairs = {
    pairs: new Float64Array(n),
    weights: new Float64Array(n),
    decisions: new Int8Array(n),
    ruleIndex: new Int8Array(n).fill(-1),
    patterns: new Uint32Array(n),
  }
  rows.forEach(([a, b, w, d = 0, rule = d === 0 ? -1 : 0], x) => {
    out.pairs[x] = packPair(a, b)
    out.weights[x] = w
    out.decisions[x] = d
    out.ruleIndex[x] = rule
  })
  return out
}
