/**
 * Phone numbers: one cell may hold several. Mobiles become 11 digits (13812345678), landlines
 * area-code-dash-number (025-84561234, with an extension 025-84561234-123).
 * Never put a number into a problem detail: it is personal data.
 */
import type { Normalized } from '../../schemas/problem.ts'
import { isEmptyValue, toHalfWidth } from './text.ts'

const MAX_RAW_LENGTH = 200
const LIST_SEPARATORS = /[,，;；/、|\n\r]+/ // cleanText is not used here: newlines separate too
const EXTENSION_MARK = /\s*(?:转|分机|ext\.?|EXT\.?|x|X)\s*/
const MOBILE = /^1[3-9]\d{9}$/
const SERVICE = /^[48]00\d{7}$/ // 400/800 numbers: national, no area code
const LOCAL = /^[2-9]\d{6,7}$/
const DIGITS = /^\d+$/
const EXTENSION = /^\d{1,6}$/

type Parsed = { number: string; warn: boolean } | null

/** 010 and 02X have three digits; 03XX–09XX four. Local numbers: 7-8 digits, not starting 0 or 1. */
const splitLandline = (digits: string): { area: string; local: string } | null => {
  let areaLength: number
  if (digits.startsWith('010') || digits.startsWith('02')) areaLength = 3
  else if (/^0[3-9]/.test(digits)) areaLength = 4
  else return null
  const local = digits.slice(areaLength)
  return LOCAL.test(local) ? { area: digits.slice(0, areaLength), local } : null
}

/** International prefixes: +86, 0086, (86). A bare 86 only before a mobile. Trunk 0 restored for landlines. */
const dropCountryCode = (s: string): string => {
  let rest: string
  if (s.startsWith('+86')) rest = s.slice(3)
  else if (s.startsWith('0086')) rest = s.slice(4)
  else if (s.startsWith('86') && s.length === 13 && MOBILE.test(s.slice(2))) return s.slice(2)
  else return s
  return rest.startsWith('1') || rest.startsWith('0') ? rest : `0${rest}`
}

/** One number with its extension, if any, already split off. Dashes and brackets are layout only. */
const parseOne = (text: string, extension: string | null): Parsed => {
  const digits = dropCountryCode(text.replace(/[\s\-()（）.]/g, ''))
  if (!DIGITS.test(digits)) return null
  const ext = extension ? `-${extension}` : ''
  if (MOBILE.test(digits) && !extension) return { number: digits, warn: false }
  if (digits.length === 12 && digits.startsWith('0') && MOBILE.test(digits.slice(1)) && !extension) {
    return { number: digits.slice(1), warn: false } // 0 dialled before a mobile from out of town
  }
  const landline = splitLandline(digits)
  if (landline) return { number: `${landline.area}-${landline.local}${ext}`, warn: false }
  if (SERVICE.test(digits) && !extension) return { number: digits, warn: false }
  if (LOCAL.test(digits)) return { number: digits + ext, warn: true } // no area code: kept, flagged
  return null
}

/** A dash-separated tail of 1-6 digits after a full landline is an extension: 025-84561234-123. */
const parseWithExtension = (text: string): Parsed => {
  const marked = text.split(EXTENSION_MARK)
  if (marked.length === 2 && EXTENSION.test(marked[1]!.trim())) return parseOne(marked[0]!, marked[1]!.trim())
  if (marked.length > 2) return null
  const whole = parseOne(text, null)
  if (whole) return whole
  const dash = text.lastIndexOf('-')
  if (dash > 0) {
    const tail = text.slice(dash + 1).trim()
    if (EXTENSION.test(tail)) {
      const head = parseOne(text.slice(0, dash), tail)
      if (head?.number.includes('-')) return head
    }
  }
  return null
}

/** Several numbers in one cell; whitespace separates them too unless it merely groups digits. */
const parseChunk = (chunk: string): Parsed[] => {
  const whole = parseWithExtension(chunk)
  if (whole || !/\s/.test(chunk.trim())) return [whole]
  return chunk
    .trim()
    .split(/\s+/)
    .map((part) => parseWithExtension(part))
}

/** A note about whose number it is — 13812345678(女儿), 母亲:13912345678 — is not part of it. */
const BRACKETED_NOTE = /[(（][^()（）\d]*[)）]/g
const HANZI_LABEL = /[\u4e00-\u9fff]+[:：]?/g
const dropNotes = (s: string): string =>
  s
    .replace(BRACKETED_NOTE, ' ')
    .replace(HANZI_LABEL, (label) => (/^(转|分机)[:：]?$/.test(label) ? label : ' '))

/**
 * Blank or placeholder → [] without a problem. Unreadable numbers among readable ones → the readable
 * ones with a PHONE_FORMAT warning; nothing readable → null with a PHONE_FORMAT error.
 * A number without area code is kept with a PHONE_FORMAT warning.
 */
export const normalizePhones = (raw: string | number): Normalized<string[]> => {
  const text = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : raw
  if (text.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (typeof raw === 'number' && text === '')
    return { value: null, problem: { code: 'PHONE_FORMAT', severity: 'error' } }
  if (isEmptyValue(text)) return { value: [] }

  const chunks = dropNotes(toHalfWidth(text)).split(LIST_SEPARATORS)
  const numbers: string[] = []
  let unreadable = 0
  let withoutArea = 0
  for (const chunk of chunks) {
    if (chunk.trim() === '') continue
    for (const parsed of parseChunk(chunk)) {
      if (!parsed) unreadable++
      else {
        if (parsed.warn) withoutArea++
        if (!numbers.includes(parsed.number)) numbers.push(parsed.number)
      }
    }
  }
  if (numbers.length === 0) return { value: null, problem: { code: 'PHONE_FORMAT', severity: 'error' } }
  if (unreadable > 0) {
    const detail = `${unreadable} unreadable number(s) dropped`
    return { value: numbers, problem: { code: 'PHONE_FORMAT', severity: 'warning', detail } }
  }
  if (withoutArea > 0) {
    return { value: numbers, problem: { code: 'PHONE_FORMAT', severity: 'warning', detail: 'no area code' } }
  }
  return { value: numbers }
}

/** 138****5678; landlines keep the area code and the last four: 025-****1234. */
export const maskPhone = (p: string): string => {
  if (MOBILE.test(p)) return `${p.slice(0, 3)}****${p.slice(7)}`
  const parts = p.split('-')
  if (parts.length >= 2 && parts[1]!.length > 4) {
    const local = parts[1]!
    const ext = parts.length > 2 ? `-${parts.slice(2).join('-')}` : '' // an extension alone identifies no one
    return `${parts[0]}-${'*'.repeat(local.length - 4)}${local.slice(-4)}${ext}`
  }
  return p.length <= 4 ? '*'.repeat(p.length) : '*'.repeat(p.length - 4) + p.slice(-4)
}
