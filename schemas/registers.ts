import { z } from 'zod'

/**
 * The three master registers as the API serves them: one golden record per real person, dwelling and
 * unit. Every field but `id` may be missing from a response, because a client's scope hides it
 * (config/clients.yaml); a field that is present but null is unknown to the hub.
 */

/** A partial ISO date: 1985-03-02, 1985-03 or 1985, as precise as the best source knew it. */
const PartialIsoDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)

export const PersonRecordSchema = z.object({
  id: z.string(),
  idNumber: z.string().nullable(),
  name: z.string().nullable(),
  gender: z.enum(['M', 'F']).nullable(),
  birthDate: PartialIsoDate.nullable(),
  ethnicity: z.string().nullable(),
  phones: z.array(z.string()),
  /** 户籍地址, as readable text */
  hukouAddress: z.string().nullable(),
  category: z.enum(['户籍', '流动', '境外']).nullable(),
  assistance: z.array(z.string()),
  /** the dwelling the person lives in now, and its address as readable text */
  houseId: z.string().nullable(),
  address: z.string().nullable(),
  gridCode: z.string().nullable(),
})
export type PersonRecord = z.infer<typeof PersonRecordSchema>

export const HouseRecordSchema = z.object({
  id: z.string(),
  address: z.string().nullable(),
  divisionCode: z.string().nullable(),
  road: z.string().nullable(),
  number: z.string().nullable(),
  compound: z.string().nullable(),
  building: z.string().nullable(),
  unit: z.string().nullable(),
  floor: z.string().nullable(),
  room: z.string().nullable(),
  /** only the building is known, not the room */
  partial: z.boolean(),
  usage: z.string().nullable(),
  ownerPersonId: z.string().nullable(),
  gridCode: z.string().nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
})
export type HouseRecord = z.infer<typeof HouseRecordSchema>

export const UnitRecordSchema = z.object({
  id: z.string(),
  creditCode: z.string().nullable(),
  name: z.string().nullable(),
  signNames: z.array(z.string()),
  kind: z.enum(['企业', '个体工商户', '社会组织']).nullable(),
  /** the registry's own status: 存续, 注销, … */
  status: z.string().nullable(),
  legalRepPersonId: z.string().nullable(),
  houseId: z.string().nullable(),
  address: z.string().nullable(),
  industry: z.string().nullable(),
  gridCode: z.string().nullable(),
})
export type UnitRecord = z.infer<typeof UnitRecordSchema>

export const RECORD_SCHEMAS = {
  person: PersonRecordSchema,
  house: HouseRecordSchema,
  unit: UnitRecordSchema,
} as const

/** A source record a golden record was built from, and how it was linked. */
export const SourceLinkSchema = z.object({
  source: z.string(),
  recordId: z.string(),
  role: z.string(),
  method: z.enum(['rule', 'model', 'steward']),
  probability: z.number().nullable(),
})
export type SourceLink = z.infer<typeof SourceLinkSchema>

/** One relation from the record served to another golden record the client may also see. */
export const RelationSchema = z.object({
  entity: z.enum(['person', 'house', 'unit']),
  id: z.string(),
  relation: z.string(),
  since: z.string().nullable(),
  until: z.string().nullable(),
  /** a short label of the other record as the client may see it: a name or an address */
  label: z.string().nullable(),
})
export type Relation = z.infer<typeof RelationSchema>
