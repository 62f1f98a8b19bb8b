import { z } from 'zod'

/**
 * Request shapes are written once in zod: converted to JSON schema for fastify (which validates
 * and coerces, and feeds the OpenAPI document) and parsed again in the handler for their types.
 */
export const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io }) as Record<
    string,
    unknown
  >
  return rest
}

export const Lang = z.enum(['zh', 'en'])
export type Lang = z.infer<typeof Lang>

/** ?lang= wins, then the first of zh/en in Accept-Language by weight, then zh. */
export const pickLang = (query: Lang | undefined, acceptLanguage: string | undefined): Lang => {
  if (query) return query
  const tags = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 }
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const { tag } of tags) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en'
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh'
  }
  return 'zh'
}
