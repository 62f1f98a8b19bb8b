import { z } from 'zod'
import { Role } from '../../../schemas/mentions.ts'
import { RECORD_SCHEMAS } from '../../../schemas/registers.ts'
import { WHERE_COLUMNS } from './rows-sql.ts'

type EntityType = keyof typeof RECORD_SCHEMAS

/** The fields a scope can name, per entity type: those of the records the API serves (schemas/registers.ts). */
export const ENTITY_FIELDS: Record<EntityType, readonly string[]> = {
  person: Object.keys(RECORD_SCHEMAS.person.shape),
  house: Object.keys(RECORD_SCHEMAS.house.shape),
  unit: Object.keys(RECORD_SCHEMAS.unit.shape),
}

/** Fields that have a masked form (src/api/policy/fields.ts); any other field is whole or hidden. */
export const MASKABLE_FIELDS: Record<EntityType, readonly string[]> = {
  person: ['name', 'idNumber', 'phones'],
  house: [],
  unit: [],
}

export const FieldView = z.enum(['whole', 'masked', 'hidden'])
export type FieldView = z.infer<typeof FieldView>

export const RowRule = z.enum(['all', 'divisions', 'grids', 'own-department'])
export type RowRule = z.infer<typeof RowRule>

/** At most `max` requests per window of `perSeconds` seconds, counted by plugins/external/rate-limit.ts. */
export const RateLimitSchema = z
  .object({ max: z.number().int().min(1), perSeconds: z.number().positive().max(86_400).default(1) })
  .strict()
export type RateLimit = z.infer<typeof RateLimitSchema>

/** police.hukou, police.* or * — source ids are `<department>.<format>`. */
const SourcePattern = z
  .string()
  .regex(
    /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$/,
    'a source id (police.hukou), a department pattern (police.*) or *',
  )

const EntityScopeSchema = z
  .object({
    read: z.boolean().default(false),
    rows: RowRule.default('all'),
    roles: z.array(Role).min(1).optional(),
    where: z.record(z.string(), z.array(z.string()).min(1)).optional(),
    fields: z.record(z.string(), FieldView).default({}),
  })
  .strict()
export type EntityScope = z.infer<typeof EntityScopeSchema>

export const ClientSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes'),
    department: z.string().regex(/^[a-z][a-z0-9_]*$/, 'the department part of its source ids, e.g. police'),
    role: z.string().min(1),
    description: z.string().optional(),
    grids: z.array(z.string().min(1)).min(1).optional(),
    divisions: z
      .array(z.string().regex(/^\d{6}(\d{3}|\d{6})?$/, 'a 6, 9 or 12-digit division code'))
      .min(1)
      .optional(),
    // prefault, not default: zod 4 returns a default as is, while a prefault is parsed (inner defaults apply)
    person: EntityScopeSchema.prefault({}),
    house: EntityScopeSchema.prefault({}),
    unit: EntityScopeSchema.prefault({}),
    upload: z.array(SourcePattern).default([]),
    batches: z.enum(['all', 'uploads']).default('uploads'),
    export: z.boolean().default(false),
    steward: z.boolean().default(false),
    audit: z.boolean().default(false),
    // absent → the hub-wide default (SANSHI_RATE_LIMIT_MAX per SANSHI_RATE_LIMIT_SECONDS); false → none
    rateLimit: z.union([z.literal(false), RateLimitSchema]).optional(),
    // a JWT naming this client must also hold, in each claim listed, one of its values (src/api/auth/jwt.ts)
    jwt: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
  })
  .strict()
  .superRefine((client, ctx) => {
    for (const entity of ['person', 'house', 'unit'] as const) {
      const scope = client[entity]
      if (scope.rows === 'grids' && !client.grids)
        ctx.addIssue({
          code: 'custom',
          path: [entity, 'rows'],
          message: 'rows: grids needs the client to list its grids',
        })
      if (scope.rows === 'divisions' && !client.divisions)
        ctx.addIssue({
          code: 'custom',
          path: [entity, 'rows'],
          message: 'rows: divisions needs the client to list its divisions',
        })
      for (const [field, view] of Object.entries(scope.fields)) {
        if (field === 'default') continue
        if (!ENTITY_FIELDS[entity].includes(field))
          ctx.addIssue({
            code: 'custom',
            path: [entity, 'fields', field],
            message: `${entity} has no field ${field}`,
          })
        else if (view === 'masked' && !MASKABLE_FIELDS[entity].includes(field))
          ctx.addIssue({
            code: 'custom',
            path: [entity, 'fields', field],
            message: `${entity}.${field} has no masked form`,
          })
      }
      for (const field of Object.keys(scope.where ?? {}))
        if (!(field in WHERE_COLUMNS[entity]))
          ctx.addIssue({
            code: 'custom',
            path: [entity, 'where', field],
            message: `${entity} records cannot be limited by ${field}; by: ${Object.keys(WHERE_COLUMNS[entity]).join(', ')}`,
          })
    }
  })
export type Client = z.infer<typeof ClientSchema>

export const ClientsFileSchema = z
  .object({ clients: z.array(ClientSchema).min(1) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>()
    file.clients.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'id'],
          message: `client ${c.id} is listed twice`,
        })
      seen.add(c.id)
    })
  })
