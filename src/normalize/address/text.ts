/**
 * Character-level clean-up of an address text, before any parsing:
 * full-width → half-width, letters upper-cased, spaces and punctuation out,
 * bracketed asides (（夫子庙旁）) dropped, every dash variant → '-'.
 * One linear pass: this runs on every row of million-row files.
 */

const DASHES = new Set(['-', '－', '—', '–', '‐', '‑', '―', '−', '─', '~', '～', '_'])
const OPENERS: Record<string, string> = {
  '(': ')',
  '（': '）',
  '[': ']',
  '【': '】',
  '〔': '〕',
  '<': '>',
  '《': '》',
}
// Dropped outright: they separate parts but carry no meaning the scanner needs.
const DROPPED = new Set([
  ',',
  '，',
  '、',
  '。',
  '.',
  ';',
  '；',
  ':',
  '：',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '/',
  '\\',
  '|',
])

// 1 for every UTF-16 unit the slow path must look at; most real addresses contain none.
const NEEDS_CLEANING = new Uint8Array(0x10000)
for (let c = 0; c <= 0x20; c++) NEEDS_CLEANING[c] = 1
for (let c = 0x61; c <= 0x7a; c++) NEEDS_CLEANING[c] = 1
for (let c = 0xff01; c <= 0xff5e; c++) NEEDS_CLEANING[c] = 1
for (const ch of [...DASHES, ...Object.keys(OPENERS), ...DROPPED, '\u3000', '\u00a0']) {
  if (ch !== '-') NEEDS_CLEANING[ch.charCodeAt(0)] = 1
}

export function cleanAddressText(raw: string): string {
  for (let i = 0; i < raw.length; i++) {
    if (NEEDS_CLEANING[raw.charCodeAt(i)] === 1) return cleanFrom(raw, i)
  }
  return raw
}

function cleanFrom(raw: string, from: number): string {
  let out = raw.slice(0, from)
  let closer: string | null = null
  for (let i = from; i < raw.length; i++) {
    let c = raw[i]!
    const code = raw.charCodeAt(i)
    if (code >= 0xff01 && code <= 0xff5e) c = String.fromCharCode(code - 0xfee0)
    else if (code === 0x3000) c = ' '
    if (closer !== null) {
      if (c === closer) closer = null
      continue
    }
    const open = OPENERS[c]
    if (open !== undefined) {
      closer = open
      continue
    }
    if (c <= ' ' || c === '\u00a0' || DROPPED.has(c)) continue
    if (DASHES.has(c)) {
      if (!out.endsWith('-')) out += '-'
      continue
    }
    out += c >= 'a' && c <= 'z' ? c.toUpperCase() : c
  }
  return out
}

const CN_DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  幺: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
}
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 }

const NUMERAL_CHARS = new Set([...Object.keys(CN_DIGITS), ...Object.keys(CN_UNITS)])
export const isChineseNumeral = (c: string): boolean => NUMERAL_CHARS.has(c)

/**
 * 十二 → 12, 二十三 → 23, 一百零一 → 101; without 十/百/千 the digits are read one by one
 * (一〇一 → 101, 三零二 → 302), as people write room numbers.
 */
export function chineseToArabic(s: string): string {
  let positional = false
  for (const c of s) if (c in CN_UNITS) positional = true
  if (!positional) {
    let out = ''
    for (const c of s) out += String(CN_DIGITS[c] ?? '')
    return out
  }
  let total = 0
  let digit = 0
  for (const c of s) {
    const unit = CN_UNITS[c]
    if (unit !== undefined) {
      total += (digit === 0 ? 1 : digit) * unit // 十二: a bare 十 means 一十
      digit = 0
    } else digit = CN_DIGITS[c] ?? 0
  }
  return String(total + digit)
}

/** Door, building and room numbers compare without leading zeros (0301 = 301); 0 stays 0. */
export const canonicalNumber = (s: string): string => (/^\d+$/.test(s) ? s.replace(/^0+(?=\d)/, '') : s)
