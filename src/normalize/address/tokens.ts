/**
 * Scanner for the part of an address below the divisions (贡院街12号3栋2单元301室,
 * 贡院街12-3-2-301, 翠苑小区五栋三〇二). One left-to-right pass, no backtracking: numbers,
 * the markers that follow them (号 栋 幢 座 号楼 单元 层 楼 室 房 户 弄 #), dashes, and text between.
 */
import { chineseToArabic, isChineseNumeral } from './text.ts'

export type Mark = 'hao' | 'building' | 'unit' | 'floor' | 'room' | 'lane'

export type Token =
  | { kind: 'text'; text: string }
  | { kind: 'num'; value: string }
  | { kind: 'mark'; mark: Mark }
  | { kind: 'dash' }

// Longest first: 号楼 before 号.
const MARKERS: [string, Mark][] = [
  ['号楼', 'building'],
  ['号院', 'hao'],
  ['单元', 'unit'],
  ['号', 'hao'],
  ['栋', 'building'],
  ['幢', 'building'],
  ['座', 'building'],
  ['#', 'building'],
  ['层', 'floor'],
  ['楼', 'floor'],
  ['室', 'room'],
  ['房', 'room'],
  ['户', 'room'],
  ['弄', 'lane'],
]
const ROAD_CHARS = new Set(['路', '街', '巷', '道'])

// The markers by their first character, longest first within each: one look-up per position.
const MARKERS_BY_FIRST = new Map<string, [string, Mark][]>()
for (const entry of MARKERS)
  MARKERS_BY_FIRST.set(entry[0][0]!, [...(MARKERS_BY_FIRST.get(entry[0][0]!) ?? []), entry])

function markerAt(s: string, i: number): [Mark, number] | null {
  const candidates = i < s.length ? MARKERS_BY_FIRST.get(s[i]!) : undefined
  if (candidates === undefined) return null
  for (const [word, mark] of candidates) if (s.startsWith(word, i)) return [mark, word.length]
  return null
}

const isAsciiAlnum = (c: string | undefined): boolean =>
  c !== undefined && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isDigit(s[i])) return true
  return false
}

export function tokenize(s: string): Token[] {
  const tokens: Token[] = []
  let textStart = -1 // start of the pending text run, -1 when none
  let i = 0
  while (i < s.length) {
    const c = s[i]!
    const prev: Token | undefined = textStart >= 0 ? TEXT_PENDING : tokens[tokens.length - 1]
    let token: Token | null = null
    let next = i + 1
    if (isAsciiAlnum(c)) {
      while (isAsciiAlnum(s[next])) next++
      if (isNumberRun(s, next, s.slice(i, next), prev)) token = { kind: 'num', value: s.slice(i, next) }
    } else if (isChineseNumeral(c)) {
      while (next < s.length && isChineseNumeral(s[next]!)) next++
      // 十二号, 三单元, trailing 三〇一 after a marker: numbers; 三条巷, 五老村: names
      const atEnd = next === s.length && (prev?.kind === 'mark' || prev?.kind === 'dash')
      if (markerAt(s, next) || s[next] === '-' || atEnd)
        token = { kind: 'num', value: chineseToArabic(s.slice(i, next)) }
    } else if (c === '-') {
      if (prev?.kind === 'num') token = DASH
      else textStart = flush(tokens, s, textStart, i) // a stray dash separates, like a space
      if (!token) {
        i = next
        continue
      }
    } else if (c === '第' && (isDigit(s[next]) || isChineseNumeral(s[next] ?? ''))) {
      textStart = flush(tokens, s, textStart, i) // 第3栋 = 3栋
      i = next
      continue
    } else if (prev?.kind === 'num') {
      const marker = markerAt(s, i)
      if (marker) {
        token = { kind: 'mark', mark: marker[0] }
        next = i + marker[1] + (c === '#' && s[i + marker[1]] === '楼' ? 1 : 0) // 3#楼 = 3#
      }
    }
    if (token) {
      flush(tokens, s, textStart, i)
      textStart = -1
      tokens.push(token)
    } else if (textStart < 0) textStart = i
    i = next
  }
  flush(tokens, s, textStart, s.length)
  return tokens
}

const TEXT_PENDING: Token = { kind: 'text', text: '' }
const DASH: Token = { kind: 'dash' }

/** Emits the pending text run [start, end) if any; returns -1 (no run pending). */
function flush(tokens: Token[], s: string, start: number, end: number): number {
  if (start >= 0 && end > start) tokens.push({ kind: 'text', text: s.slice(start, end) })
  return -1
}

/**
 * An ASCII run is a number unless it is part of a name: letters before Chinese text (CBD广场),
 * digits before a road character (经6路), digits glued to text that follows no road (1912街区).
 */
function isNumberRun(s: string, end: number, run: string, prev: Token | undefined): boolean {
  const next = s[end]
  if (next === undefined || next === '-' || markerAt(s, end)) return true
  if (isAsciiAlnum(next)) return true
  if (!hasDigit(run) || ROAD_CHARS.has(next)) return false
  return prev?.kind === 'text' // 贡院街12翠苑小区: a door number written without 号
}
