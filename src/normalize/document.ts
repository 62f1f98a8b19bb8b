import { cleanText } from './text.ts'

/**
 * Passports and travel permits written where a resident id is asked for (证件号码): a foreigner's
 * passport, a 港澳居民来往内地通行证 (H/M + digits). They are kept as documents, not refused as bad ids,
 * because they are the only identifier a 境外 person has.
 */
const DOCUMENT = /^[A-Z]{1,3}[0-9A-Z]{5,17}$/

export const normalizeDocumentNumber = (raw: string): string | null => {
  const t = cleanText(raw)
  if (t === null || t.length > 40) return null
  const doc = t.toUpperCase().replace(/[\s-]/g, '')
  if (!DOCUMENT.test(doc)) return null
  const digits = doc.replace(/\D/g, '').length
  return digits >= 5 ? doc : null
}
