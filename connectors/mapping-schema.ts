import { z } from 'zod'
import { EntityType, Role } from '../schemas/mentions.ts'

/**
 * A connector is data: which headers (and aliases) carry which field, how each value is parsed, and which
 * entities (roles) one row describes. An operator adds a format with a file of this shape and no code.
 */
export const ValueParser = z.enum([
  'text', // cleaned text
  'person_name',
  'org_name',
  'resident_id',
  'credit_code',
  'phone',
  'date',
  'gender',
  'ethnicity',
  'address',
  'integer',
  'decimal',
  'list', // several values split on 、,，;；/
  'enum', // one of `values`, with aliases
])
export type ValueParser = z.infer<typeof ValueParser>

const fieldName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'field names are snake_case: lower-case letters, digits, _')
const headerText = z.string().trim().min(1).max(100)

export const ColumnSchema = z
  .object({
    field: fieldName,
    header: headerText,
    aliases: z.array(headerText).default([]),
    parser: ValueParser.default('text'),
    required: z.boolean().default(false),
    /** For parser enum: canonical value → the other spellings that mean it. */
    values: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
    maxLength: z.number().int().positive().max(100_000).default(2000),
    /** For parser address: `anywhere` for addresses expected outside the hub's district (a migrant's hukou). */
    region: z.enum(['district', 'anywhere']).default('district'),
  })
  .strict()
  .refine((c) => c.parser !== 'enum' || (c.values && Object.keys(c.values).length > 0), {
    message: 'an enum column needs `values`',
    path: ['values'],
  })
export type Column = z.infer<typeof ColumnSchema>

/** Mention fields a role may fill, per entity type (schemas/mentions.ts). */
export const MentionFields = {
  person: [
    'name',
    'idNumber',
    'gender',
    'birthDate',
    'ethnicity',
    'phones',
    'hukouAddress',
    'address',
    'category',
    'assistance',
    'householdNo',
    'relationToHead',
    'gridCode',
    'employerName',
  ],
  house: ['address', 'usage', 'gridCode'],
  unit: [
    'creditCode',
    'name',
    'signName',
    'kind',
    'legalForm',
    'status',
    'industry',
    'phones',
    'address',
    'established',
  ],
} as const satisfies Record<EntityType, readonly string[]>

export const RoleSchema = z
  .object({
    role: Role,
    entity: EntityType,
    /** mention field → column field */
    fields: z.record(z.string(), fieldName),
    /** constant mention values, e.g. category 户籍 for every row of the household register */
    set: z.record(z.string(), z.string()).default({}),
    /** the role exists only when one of these fields has a value; default: any mapped field has one */
    when: z.array(fieldName).optional(),
  })
  .strict()
export type RoleMapping = z.infer<typeof RoleSchema>

export const MappingSchema = z
  .object({
    source: z
      .string()
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'a source id looks like department.register'),
    title: z.string().min(1),
    department: z.string().min(1),
    columns: z.array(ColumnSchema).min(1),
    roles: z.array(RoleSchema).min(1),
  })
  .strict()
  .superRefine((m, ctx) => {
    const fields = new Set<string>()
    const headers = new Map<string, string>()
    m.columns.forEach((c, i) => {
      if (fields.has(c.field))
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'field'],
          message: `field ${c.field} is declared twice`,
        })
      fields.add(c.field)
      for (const h of [c.header, ...c.aliases]) {
        const seen = headers.get(h)
        if (seen !== undefined && seen !== c.field)
          ctx.addIssue({
            code: 'custom',
            path: ['columns', i],
            message: `header ${h} is claimed by both ${seen} and ${c.field}`,
          })
        headers.set(h, c.field)
      }
    })
    if (!fields.has('record_id'))
      ctx.addIssue({
        code: 'custom',
        path: ['columns'],
        message: 'a column with field record_id (记录编号) is required',
      })
    m.roles.forEach((r, i) => {
      const allowed: readonly string[] = MentionFields[r.entity]
      for (const [target, source] of Object.entries(r.fields)) {
        if (!allowed.includes(target))
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'fields', target],
            message: `${r.entity} has no field ${target}; allowed: ${allowed.join(', ')}`,
          })
        if (!fields.has(source))
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'fields', target],
            message: `no column declares field ${source}`,
          })
      }
      for (const target of Object.keys(r.set))
        if (!allowed.includes(target))
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'set', target],
            message: `${r.entity} has no field ${target}`,
          })
      for (const w of r.when ?? [])
        if (!fields.has(w))
          ctx.addIssue({
            code: 'custom',
            path: ['roles', i, 'when'],
            message: `no column declares field ${w}`,
          })
    })
  })
export type Mapping = z.infer<typeof MappingSchema>
