import { z } from 'zod'
import { SanshiError } from '../../../errors.ts'

/** An opaque cursor: the last entry's id, base64url, so that clients treat it as a token. */
export const encodeCursor = (id: number): string => Buffer.from(`al:${id}`).toString('base64url')

export const decodeCursor = (cursor: string): number => {
  const m = /^al:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m) throw new SanshiError('SANSHI101', 'after: pass the next value of the previous page, as it came')
  return Number(m[1])
}

/** A moment without doubt: an ISO time with its offset (or Z); a date alone or a local time is refused. */
export const IsoTime = z.iso.datetime({ offset: true })

export const AuditQuery = z.object({
  client: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a client id')
    .optional(),
  entity_type: z
    .string()
    .regex(/^[a-z][a-z_]{0,39}$/, 'person, house, unit, refused_rows, …')
    .optional(),
  record_id: z.string().min(1).max(64).optional(),
  from: IsoTime.optional().describe('inclusive; an ISO time with its offset, e.g. 2025-03-01T00:00:00+08:00'),
  to: IsoTime.optional().describe('exclusive; an ISO time with its offset'),
  purpose: z.string().min(1).max(200).optional().describe('a part of the stated purpose, any case'),
  after: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'the next value of the previous page')
    .optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  format: z.enum(['json', 'csv']).default('json').describe('csv: every entry the filters select, as a file'),
})
export type AuditQuery = z.infer<typeof AuditQuery>

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  clientId: z.string(),
  scope: z.string(),
  entityType: z.string(),
  recordIds: z.array(z.string()),
  purpose: z.string().nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
})

export const AuditPage = z.object({ items: z.array(AuditEntry), next: z.string().nullable() })
