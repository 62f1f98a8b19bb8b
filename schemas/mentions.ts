import { z } from 'zod'
import { ParsedAddressSchema } from './address.ts'

/**
 * A mention is one entity described by one source record in one role (formats.md: a rental row
 * yields a house, its owner and its tenant). Mentions are what matching resolves to golden records.
 */
export const EntityType = z.enum(['person', 'house', 'unit'])
export type EntityType = z.infer<typeof EntityType>

export const Role = z.enum([
  'person',
  'house',
  'owner',
  'tenant',
  'unit',
  'legal_rep',
  'operator',
  'employer',
])
export type Role = z.infer<typeof Role>

export const DatePrecision = z.enum(['day', 'month', 'year'])
export const PartialDateSchema = z.object({
  value: z.string(), // ISO: 1985-03-02, 1950-03 or 1950 by precision
  precision: DatePrecision,
})
export type PartialDate = z.infer<typeof PartialDateSchema>

export const PersonMentionSchema = z.object({
  name: z.string().nullable(), // simplified, half-width, inner spaces out, middle dot kept
  namePinyin: z.string().nullable(), // toneless, space-less, lower-case: zhangxiaoming
  idNumber: z.string().nullable(), // 18 chars, upper-case X, 15-digit ids expanded
  idValid: z.boolean().nullable(), // check digit and birth date verified
  otherDocument: z.string().nullable(), // passport or permit number where the id column held one
  gender: z.enum(['M', 'F']).nullable(),
  birthDate: PartialDateSchema.nullable(),
  ethnicity: z.string().nullable(), // 汉族
  phones: z.array(z.string()), // 13812345678 or 025-84561234
  hukouAddress: ParsedAddressSchema.nullable(),
  address: ParsedAddressSchema.nullable(), // where they live now
  category: z.enum(['户籍', '流动', '境外']).nullable(),
  assistance: z.array(z.string()), // 低保, 特困, …
  householdNo: z.string().nullable(),
  relationToHead: z.string().nullable(),
  gridCode: z.string().nullable(),
  employerName: z.string().nullable(),
})
export type PersonMention = z.infer<typeof PersonMentionSchema>

export const HouseMentionSchema = z.object({
  address: ParsedAddressSchema,
  usage: z.enum(['自住', '出租', '空置', '经营', '仓储']).nullable(),
  gridCode: z.string().nullable(),
})
export type HouseMention = z.infer<typeof HouseMentionSchema>

export const UnitMentionSchema = z.object({
  creditCode: z.string().nullable(), // 18-char unified social credit code, upper-case
  creditValid: z.boolean().nullable(),
  regNo: z.string().nullable(), // old 15-digit registration number
  name: z.string().nullable(), // registered name, normalised
  signName: z.string().nullable(), // 店招名称
  kind: z.enum(['企业', '个体工商户', '社会组织']).nullable(),
  legalForm: z.string().nullable(), // 有限责任公司, 社会团体, …
  status: z.string().nullable(), // 存续, 注销, …
  industry: z.string().nullable(),
  phones: z.array(z.string()),
  address: ParsedAddressSchema.nullable(),
  established: PartialDateSchema.nullable(),
})
export type UnitMention = z.infer<typeof UnitMentionSchema>

export type Mention =
  | { entity: 'person'; role: Role; data: PersonMention }
  | { entity: 'house'; role: Role; data: HouseMention }
  | { entity: 'unit'; role: Role; data: UnitMention }
