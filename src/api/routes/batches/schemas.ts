import { z } from 'zod'
import { Lang } from '../../schema.ts'

/** ULIDs: 26 Crockford base32 characters. */
export const BatchParams = z.object({ id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'a batch id') })

export const ListQuery = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'the next value of the previous page')
    .optional(),
  source: z.string().max(64).optional(),
})

export const DetailQuery = z.object({
  lang: Lang.optional(),
  reason: z.string().min(1).max(200).optional(),
})

export const RefusedQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  lang: Lang.optional(),
  reason: z.string().min(1).max(200).optional(),
})

const BatchFields = {
  batchId: z.string(),
  source: z.string(),
  status: z.string(),
  rows: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  warnings: z.number().int(),
  message: z.string().nullable(),
}

export const UploadAnswer = z.object({
  ...BatchFields,
  file: z.string(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  seconds: z.number(),
})

export const BatchItem = z.object({
  ...BatchFields,
  file: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  seconds: z.number().nullable(),
})

export const BatchList = z.object({ items: z.array(BatchItem), next: z.string().nullable() })

export const RefusedProblem = z.object({
  row: z.number().int(),
  column: z.string().nullable(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
})

export const BatchDetail = BatchItem.extend({
  /** null when the client may see the batch but not its refused rows (it did not send it) */
  refused: z
    .object({ total: z.number().int(), shownRows: z.number().int(), problems: z.array(RefusedProblem) })
    .nullable(),
})

export const UploadBody = {
  type: 'object',
  required: ['file'],
  properties: {
    file: {
      type: 'string',
      format: 'binary',
      description: 'CSV, XLSX or XLS, GBK or UTF-8, as the department system exports it',
    },
    source: {
      type: 'string',
      description: 'the department format, e.g. police.hukou (else from the file name, else the headers)',
    },
  },
} as const
