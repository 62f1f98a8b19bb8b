import type { EntityType } from '../../../schemas/mentions.ts'
import { maskPhone } from '../../normalize/phone.ts'
import { maskResidentId } from '../../normalize/resident-id.ts'
import { type Client, ENTITY_FIELDS, type FieldView, MASKABLE_FIELDS } from './client-schema.ts'

/** Keys every reader of a record sees: the hub's own ids carry nothing about the person. */
const ALWAYS_SHOWN = new Set(['id'])

const keepLastFour = (s: string): string =>
  s.length <= 4 ? '*'.repeat(s.length) : '*'.repeat(s.length - 4) + s.slice(-4)

const MASKERS: Record<string, (v: unknown) => unknown> = {
  idNumber: (v) => (typeof v === 'string' ? maskResidentId(v) : v),
  otherDocument: (v) => (typeof v === 'string' ? keepLastFour(v) : v),
  phones: (v) => (Array.isArray(v) ? v.map((p) => (typeof p === 'string' ? maskPhone(p) : p)) : v),
  // the surname stays so a worker can confirm who is meant: 张** for 张小明
  name: (v) => (typeof v === 'string' && v.length > 0 ? v[0] + '*'.repeat([...v].length - 1) : v),
}

/** A field's masked form (name, idNumber, phones, otherDocument); null stays null. */
export const maskValue = (field: string, value: unknown): unknown =>
  value == null ? value : MASKERS[field]!(value)

/** How the client sees one field: the field's own rule, else its default, else hidden. */
export const fieldView = (client: Client, entity: EntityType, field: string): FieldView => {
  if (ALWAYS_SHOWN.has(field)) return 'whole'
  if (!ENTITY_FIELDS[entity].includes(field)) return 'hidden' // unknown keys never leak by default
  const fields = client[entity].fields
  const view = fields[field] ?? fields.default ?? 'hidden'
  // a default of masked applies to the maskable fields only; a field with no masked form is then hidden
  if (view === 'masked' && !MASKABLE_FIELDS[entity].includes(field)) return 'hidden'
  return view
}

// a client's view of a type is decided once per field name, not once per field of every record served
const plans = new WeakMap<Client, Map<EntityType, Map<string, 'whole' | 'masked' | 'hidden'>>>()

const viewOf = (client: Client, entity: EntityType, key: string): 'whole' | 'masked' | 'hidden' => {
  let byEntity = plans.get(client)
  if (!byEntity) plans.set(client, (byEntity = new Map()))
  let plan = byEntity.get(entity)
  if (!plan) byEntity.set(entity, (plan = new Map()))
  let view = plan.get(key)
  if (view === undefined) plan.set(key, (view = fieldView(client, entity, key)))
  return view
}

/** The record as this client may see it: hidden fields dropped, masked ones masked. */
export const viewRecord = (
  client: Client,
  entity: EntityType,
  record: Readonly<Record<string, unknown>>,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue
    const view = viewOf(client, entity, key)
    if (view === 'whole') out[key] = record[key]
    else if (view === 'masked') out[key] = maskValue(key, record[key])
  }
  return out
}
