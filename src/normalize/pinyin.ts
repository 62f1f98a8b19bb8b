/**
 * Pinyin match keys for person names: toneless, lower-case, no spaces (张晓明 and 张小明 → zhangxiaoming).
 * The head of a name is read as a surname (曾 zeng, 单 shan, 解 xie, 仇 qiu, 区 ou, 尉迟 yuchi) using
 * pinyin-pro's surname mode; every other character by its most common reading, so a given name is
 * read the same whatever it is next to. Readings are cached per character: pinyin-pro is called once
 * per distinct character (or compound surname), not once per name.
 */
import { pinyin } from 'pinyin-pro'

// The compound surnames of pinyin-pro's surname table: a name starting with one is read as a unit.
const COMPOUND_SURNAMES = new Set(
  (
    '南宫 第五 万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 太叔 申屠 公孙 ' +
    '仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 仉督 子车 颛孙 端木 巫马 公西 漆雕 乐正 ' +
    '壤驷 公良 拓跋 夹谷 宰父 榖梁 段干 百里 东郭 南门 呼延 羊舌 梁丘 左丘 东门 西门 句龙 毌丘'
  ).split(' '),
)

const CACHE_LIMIT = 50_000 // distinct characters are few; the cap only guards against hostile input
const givenReading = new Map<string, string>()
const surnameReading = new Map<string, string[]>()

const remember = <V>(cache: Map<string, V>, key: string, value: V): V => {
  if (cache.size < CACHE_LIMIT) cache.set(key, value)
  return value
}

/** A Han character's reading, or the character itself (lower-cased) when pinyin-pro has none. */
const readChar = (ch: string): string => {
  const hit = givenReading.get(ch)
  if (hit !== undefined) return hit
  const read = pinyin(ch, { toneType: 'none', v: true, type: 'array' })[0] ?? ch
  return remember(givenReading, ch, read.toLowerCase())
}

/** Readings of a surname (one or two characters) in pinyin-pro's surname mode. */
const readSurname = (surname: string): string[] => {
  const hit = surnameReading.get(surname)
  if (hit !== undefined) return hit
  const read = pinyin(surname, { toneType: 'none', v: true, type: 'array', mode: 'surname', surname: 'head' })
  return remember(
    surnameReading,
    surname,
    read.map((r) => r.toLowerCase()),
  )
}

const isAsciiLetterOrDigit = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const isSkipped = (ch: string): boolean => ch === '·' || ch === ' ' || ch === '-' || ch === '.'

/** The syllables of a name: Han characters read, ASCII letter/digit runs kept as one lower-case token. */
const syllables = (name: string): string[] => {
  const chars = Array.from(name) // by code point: Ext-B characters are one character
  const out: string[] = []
  let i = 0
  // Surname first: a compound one as a unit, else the first character in surname mode.
  const first = chars[0]
  if (first !== undefined && !isAsciiLetterOrDigit(first.charCodeAt(0)) && !isSkipped(first)) {
    const two = first + (chars[1] ?? '')
    if (COMPOUND_SURNAMES.has(two)) {
      out.push(...readSurname(two))
      i = 2
    } else {
      out.push(...readSurname(first))
      i = 1
    }
  }
  let ascii = ''
  for (; i < chars.length; i++) {
    const ch = chars[i]!
    const c = ch.charCodeAt(0)
    if (c < 128 && isAsciiLetterOrDigit(c)) {
      ascii += ch.toLowerCase()
      continue
    }
    if (ascii) {
      out.push(ascii)
      ascii = ''
    }
    if (c < 128 || isSkipped(ch)) continue // spaces, dots, punctuation carry no sound
    out.push(readChar(ch))
  }
  if (ascii) out.push(ascii)
  return out
}

/** zhangxiaoming: toneless, lower-case, no spaces; ü as v (lvbu). Expects a normalised name. */
export const pinyinKey = (name: string): string => syllables(name).join('')

/** zxm: the first letter of each syllable (of each Latin word for Latin names). */
export const pinyinInitials = (name: string): string => {
  let out = ''
  for (const s of syllables(name)) {
    const first = s.codePointAt(0)
    if (first !== undefined) out += String.fromCodePoint(first)
  }
  return out
}
