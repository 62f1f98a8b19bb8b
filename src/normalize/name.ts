/**
 * Person and organisation names: traditional → simplified (OpenCC hk → cn), half-width, invisible
 * characters out. Person names lose their inner spaces and keep one kind of middle dot (阿卜杜·买买提).
 */
import OpenCC from 'opencc-js/t2cn'
import type { Normalized } from '../../schemas/problem.ts'
import { cleanText, isEmptyValue } from './text.ts'

const MAX_RAW_LENGTH = 200
const MAX_PERSON_NAME = 50
const MAX_ORG_NAME = 100

type Converter = (text: string) => string
let converter: Converter | null = null
let traditionalChars: Set<string> | null = null
let traditionalFlags: Uint8Array | null = null

/** Every string in an OpenCC dictionary group, as `key value|key value` text. */
const dictTexts = (groups: readonly (readonly (string | readonly (readonly [string, string])[])[])[]) =>
  groups.flatMap((group) =>
    group.map((dict) => (typeof dict === 'string' ? dict : dict.map(([k, v]) => `${k} ${v}`).join('|'))),
  )

/**
 * OpenCC is slow (a trie walk per string), so it only runs on strings holding a character it would
 * change. That set is built once: every character of a dictionary key that converts to something else.
 */
const setUp = (): { convert: Converter; trad: Set<string>; flags: Uint8Array } => {
  if (converter && traditionalChars && traditionalFlags)
    return { convert: converter, trad: traditionalChars, flags: traditionalFlags }
  const convert = OpenCC.Converter({ from: 'hk', to: 'cn' })
  const candidates = new Set<string>()
  for (const text of dictTexts([...(OpenCC.Locale.from.hk ?? []), ...(OpenCC.Locale.to.cn ?? [])])) {
    for (const entry of text.split('|')) {
      const key = entry.slice(0, entry.indexOf(' '))
      for (const ch of key) candidates.add(ch)
    }
  }
  const trad = new Set<string>()
  for (const ch of candidates) if (convert(ch) !== ch) trad.add(ch)
  // one byte per UTF-16 unit, so the scan of every address and name is an array lookup:
  // 1 = a traditional character, 2 = a high surrogate (its code point is looked up in the set)
  const flags = new Uint8Array(0x10000)
  for (let c = 0xd800; c <= 0xdbff; c++) flags[c] = 2
  for (const ch of trad) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x10000) flags[cp] = 1
  }
  converter = convert
  traditionalChars = trad
  traditionalFlags = flags
  return { convert, trad, flags }
}

const hasTraditionalChar = (s: string, trad: Set<string>, flags: Uint8Array): boolean => {
  for (let i = 0; i < s.length; i++) {
    const f = flags[s.charCodeAt(i)]
    if (f === 1) return true
    if (f === 2) {
      const cp = s.codePointAt(i)!
      if (trad.has(String.fromCodePoint(cp))) return true
      i++
    }
  }
  return false
}

// Bounded LRU of converted strings: the same traditional names recur down a file.
const LRU_SIZE = 10_000
const converted = new Map<string, string>()

/** Traditional → simplified; strings without a traditional character are returned as they are. */
export const toSimplified = (s: string): string => {
  const { convert, trad, flags } = setUp()
  if (!hasTraditionalChar(s, trad, flags)) return s
  const hit = converted.get(s)
  if (hit !== undefined) {
    converted.delete(s) // re-insert: Map order is recency order
    converted.set(s, hit)
    return hit
  }
  const out = convert(s)
  if (converted.size >= LRU_SIZE) converted.delete(converted.keys().next().value!)
  converted.set(s, out)
  return out
}

// Middle-dot look-alikes in transliterated minority and foreign names: · • ‧ ・ ･ . ∙ ⋅ ㆍ (and U+0387, which NFC maps to ·).
const DOT_VARIANTS = /[\u00b7\u2022\u2027\u30fb\uff65.\u2219\u22c5\u318d]/g
const DOT_RUN = /·{2,}/g
const ASCII_ALNUM = /[A-Za-z0-9]/
const NOT_NAME_CHAR = /[^\p{Script=Han}A-Za-z· ]/u

/** Drops spaces except a single one between two ASCII letters or digits (JOHN SMITH, ABC Technology). */
const dropSpaces = (s: string): string => {
  if (!s.includes(' ')) return s
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c !== ' ') out += c
    else if (ASCII_ALNUM.test(out[out.length - 1] ?? '') && ASCII_ALNUM.test(s[i + 1] ?? '')) out += ' '
  }
  return out
}

const trimDots = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && s[a] === '·') a++
  while (b > a && s[b - 1] === '·') b--
  return s.slice(a, b)
}

/**
 * 張 曉明 → 张晓明, 阿卜杜•买买提 → 阿卜杜·买买提. Blank or placeholder → value null without a problem.
 * Too long (> 50 characters) → TOO_LONG error; digits or symbols → BAD_CHARACTERS warning, value kept.
 */
export const normalizePersonName = (raw: string): Normalized<string> => {
  if (raw.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (isEmptyValue(raw)) return { value: null }
  let name = toSimplified(cleanText(raw)!)
  name = name.replace(DOT_VARIANTS, '·')
  name = trimDots(dropSpaces(name).replace(DOT_RUN, '·'))
  if (name === '') return { value: null, problem: { code: 'BAD_CHARACTERS', severity: 'error' } }
  if (name.length > MAX_PERSON_NAME) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (NOT_NAME_CHAR.test(name)) {
    return {
      value: name,
      problem: { code: 'BAD_CHARACTERS', severity: 'warning', detail: 'digits or symbols in a name' },
    }
  }
  return { value: name }
}

const BRACKETS: Record<string, string> = { '【': '(', '】': ')', '〔': '(', '〕': ')' }
const BRACKET_VARIANTS = /[【】〔〕]/g

/**
 * 南京 夫子庙（秦淮）餐饮有限公司 → 南京夫子庙(秦淮)餐饮有限公司; a space between Latin words stays.
 * Blank or placeholder → value null; longer than 100 characters → TOO_LONG error.
 */
export const normalizeOrgName = (raw: string): Normalized<string> => {
  if (raw.length > MAX_RAW_LENGTH) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  if (isEmptyValue(raw)) return { value: null }
  let name = toSimplified(cleanText(raw)!) // cleanText already turned （） into ()
  name = dropSpaces(name.replace(BRACKET_VARIANTS, (b) => BRACKETS[b] ?? b))
  if (name.length > MAX_ORG_NAME) return { value: null, problem: { code: 'TOO_LONG', severity: 'error' } }
  return { value: name }
}
