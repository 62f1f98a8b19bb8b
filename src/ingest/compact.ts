/**
 * The normalised values of a row as source_records.data keeps them: one plain value per field (an
 * address as its canonical key, an id as its 18 characters, a date as its ISO prefix). The parsed
 * structures live in the mention tables; this is what a person reads and what a re-derivation checks,
 * and it is a fifth of the bytes of the full objects, which is most of COPY's cost.
 */
export const compactValue = (v: unknown): unknown => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
  const o = v as Record<string, unknown>
  if (typeof o.key === 'string' && 'depth' in o) return o.key // ParsedAddress
  if (typeof o.document === 'string') return o.document // passport or permit
  if (typeof o.value === 'string') return o.value // resident id, credit code, partial date
  return v
}

export const compactValues = (values: ReadonlyMap<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = Object.create(null)
  for (const [field, v] of values) out[field] = compactValue(v)
  return out
}
