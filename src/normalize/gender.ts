/** Gender as departments code it: 男/女, GB/T 2261.1 codes 1/2, M/F. */
import type { Normalized } from '../../schemas/problem.ts'
import { cleanText, isEmptyValue } from './text.ts'

export type Gender = 'M' | 'F'

const GENDERS: Record<string, Gender> = {
  男: 'M',
  男性: 'M',
  1: 'M',
  m: 'M',
  male: 'M',
  女: 'F',
  女性: 'F',
  2: 'F',
  f: 'F',
  female: 'F',
}
// GB/T 2261.1: 0 unknown, 9 unstated. Not wrong, just not known: no value, a warning, the row is kept.
const UNKNOWN = new Set(['0', '9', '未知', '未说明', '未知的性别', '未说明的性别'])

/** 男/女/男性/女性/1/2/M/F (any case) → 'M' | 'F'. Blank → null; anything else → GENDER_VALUE error. */
export const normalizeGender = (raw: string | number): Normalized<Gender> => {
  const text = typeof raw === 'number' ? String(raw) : raw
  if (text.length > 20) return { value: null, problem: { code: 'GENDER_VALUE', severity: 'error' } }
  if (UNKNOWN.has(cleanText(text) ?? ''))
    return { value: null, problem: { code: 'GENDER_VALUE', severity: 'warning' } }
  if (isEmptyValue(text)) return { value: null }
  const key = cleanText(text)!.toLowerCase()
  const gender = GENDERS[key]
  return gender ? { value: gender } : { value: null, problem: { code: 'GENDER_VALUE', severity: 'error' } }
}
