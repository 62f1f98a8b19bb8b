/** Text cleaning shared by every normaliser: width, invisible characters, whitespace. */

const FULLWIDTH_FIRST = 0xff01 // ！
const FULLWIDTH_LAST = 0xff5e // ～
const FULLWIDTH_OFFSET = 0xfee0
const IDEOGRAPHIC_SPACE = 0x3000

const hasFullWidth = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if ((c >= FULLWIDTH_FIRST && c <= FULLWIDTH_LAST) || c === IDEOGRAPHIC_SPACE) return true
  }
  return false
}

/** Full-width ASCII (U+FF01–FF5E) → ASCII, ideographic space → space. Other characters untouched. */
export const toHalfWidth = (s: string): string => {
  if (!hasFullWidth(s)) return s // the common case allocates nothing
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= FULLWIDTH_FIRST && c <= FULLWIDTH_LAST) out += String.fromCharCode(c - FULLWIDTH_OFFSET)
    else if (c === IDEOGRAPHIC_SPACE) out += ' '
    else out += s[i]
  }
  return out
}

// Zero-width and format characters that survive copy-paste from web forms and Word:
// ZWSP/ZWNJ/ZWJ, LRM/RLM, bidi embeddings, word joiner…, BOM, soft hyphen, Mongolian vowel separator.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g
// C0/C1 controls other than the whitespace ones, which become spaces below.
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g
// Single-character class with + : linear, no backtracking trap.
const WHITESPACE_RUN = /\s+/g
const NEEDS_WORK = /[^\u0020-\u007e\u4e00-\u9fff]|\s\s|^\s|\s$/

/** Removes zero-width and format characters only. */
export const stripInvisible = (s: string): string => s.replace(INVISIBLE, '')

/**
 * NFC, half-width, no control or zero-width characters, whitespace collapsed to one space, trimmed.
 * Blank → null.
 */
export const cleanText = (s: string | null | undefined): string | null => {
  if (s == null) return null
  let t = s
  // Plain ASCII/CJK text with single inner spaces (most cells) needs none of the passes below.
  if (NEEDS_WORK.test(t)) {
    t = toHalfWidth(t).normalize('NFC').replace(INVISIBLE, '').replace(CONTROL, '')
    t = t.replace(WHITESPACE_RUN, ' ').trim()
  }
  return t === '' ? null : t
}

// What clerks type into a cell that has nothing to say. Compared after cleanText.
const PLACEHOLDERS = new Set([
  '无',
  '暂无',
  '空',
  '不详',
  '未知',
  '/',
  '\\',
  '-',
  '--',
  '—',
  '——',
  'null',
  'NULL',
  'Null',
  'none',
  'None',
  'N/A',
  'n/a',
  'NA',
  '#N/A',
])

/** True for null, undefined, '' and whitespace or invisible characters only. */
export const isBlank = (s: string | null | undefined): boolean => cleanText(s) === null

/** True for a cell that only says "nothing here" (无, 不详, -, NULL, #N/A…). Not blank, but no value. */
export const isPlaceholder = (s: string | null | undefined): boolean => {
  const t = cleanText(s)
  return t !== null && PLACEHOLDERS.has(t)
}

/** Blank or a placeholder: the normalisers answer `{ value: null }` without a problem for these. */
export const isEmptyValue = (s: string | null | undefined): boolean => {
  const t = cleanText(s)
  return t === null || PLACEHOLDERS.has(t)
}
