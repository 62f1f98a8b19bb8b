/**
 * Turns the scanned tokens below the divisions into road, number, compound, building, unit,
 * floor and room. Numbers come in groups (12号 / 12-3-2-301 / 3-201室): the marker after a group
 * names the level of its last number, and the numbers before it fill the levels above in order,
 * so 贡院街12-3-2-301 and 贡院街12号3栋2单元301室 land in the same places.
 */
import { canonicalNumber } from './text.ts'
import type { Mark, Token } from './tokens.ts'
import { tokenize } from './tokens.ts'

export interface AddressParts {
  road: string | null
  number: string | null
  compound: string | null
  building: string | null
  unit: string | null
  floor: string | null
  room: string | null
}

interface NumberGroup {
  nums: string[]
  mark: Mark | null
}
type Item = { kind: 'text'; text: string } | ({ kind: 'group' } & NumberGroup)

const SLOTS = ['number', 'building', 'unit', 'room'] as const
type Slot = (typeof SLOTS)[number]

const ROAD_SUFFIXES = ['大街', '大道', '胡同', '路', '街', '巷', '弄', '道', '里']
// Inside a longer text only the unmistakable ones split a road from a compound (贡院街翠苑小区).
const SPLITTING_ROAD_SUFFIXES = ['大街', '大道', '胡同', '路', '街', '巷', '弄']
const COMPOUND_SUFFIXES = [
  '小区',
  '花园',
  '新村',
  '新寓',
  '公寓',
  '大院',
  '家园',
  '山庄',
  '庄园',
  '广场',
  '大厦',
  '中心',
  '公馆',
  '华庭',
  '宿舍',
  '苑',
  '园',
  '院',
  '府',
  '城',
  '居',
  '邸',
  '郡',
  '湾',
  '村',
]
// Place names that end like a compound but are as often streets (七家湾, 钓鱼台村): a door number and
// then a building after one make it a street.
const STREET_LIKE_SUFFIXES = ['湾', '村', '营', '桥', '塘', '岗', '坊', '台']
// What is left of a street or community the division list does not know (钞库街社区贡院街…).
const UNKNOWN_DIVISION_ENDS = ['街道办事处', '办事处', '街道', '居委会', '委员会', '社区']

/** Suffixes grouped by their last character: a text is compared only with those it could end with. */
type Suffixes = ReadonlyMap<string, readonly string[]>

function suffixes(list: readonly string[]): Suffixes {
  const byLast = new Map<string, string[]>()
  for (const x of list) {
    const last = x[x.length - 1]!
    byLast.set(last, [...(byLast.get(last) ?? []), x])
  }
  return byLast
}

const ROAD = suffixes(ROAD_SUFFIXES)
const SPLITTING_ROAD = suffixes(SPLITTING_ROAD_SUFFIXES)
const COMPOUND = suffixes(COMPOUND_SUFFIXES)
const STREET_LIKE = suffixes(STREET_LIKE_SUFFIXES)

/** Whether text[0, end) ends with one of the suffixes (no slice taken). */
function endsWithAny(text: string, set: Suffixes, end = text.length): boolean {
  const candidates = end > 0 ? set.get(text[end - 1]!) : undefined
  if (candidates === undefined) return false
  for (const x of candidates) if (end >= x.length && text.startsWith(x, end - x.length)) return true
  return false
}

function groupTokens(tokens: Token[]): Item[] {
  const items: Item[] = []
  let group: NumberGroup | null = null
  let dashed = false
  for (const t of tokens) {
    if (t.kind === 'num') {
      if (group && dashed) group.nums.push(canonicalNumber(t.value))
      else {
        const item: { kind: 'group' } & NumberGroup = {
          kind: 'group',
          nums: [canonicalNumber(t.value)],
          mark: null,
        }
        items.push(item)
        group = item
      }
      dashed = false
    } else if (t.kind === 'dash') dashed = group !== null
    else if (t.kind === 'mark') {
      if (group) group.mark = t.mark
      group = null
      dashed = false
    } else {
      items.push({ kind: 'text', text: t.text })
      group = null
      dashed = false
    }
  }
  return items
}

function dropUnknownDivisions(text: string): string {
  let cut = 0
  for (const end of UNKNOWN_DIVISION_ENDS) {
    const at = text.lastIndexOf(end)
    if (at < 0) continue
    const after = at + end.length
    if (text.length - after >= 2 && after > cut) cut = after
  }
  return text.slice(cut)
}

/** 贡院街翠苑小区 → [贡院街, 翠苑小区]; null when the text is not a road followed by a compound. */
function splitRoadCompound(text: string): [string, string] | null {
  if (!endsWithAny(text, COMPOUND)) return null
  for (let end = text.length - 2; end >= 3; end--) {
    if (endsWithAny(text, SPLITTING_ROAD, end)) return [text.slice(0, end), text.slice(end)]
  }
  return null
}

const BUILDING_MARKS = new Set<Mark | null>(['building', 'unit'])

export function parseParts(tail: string): AddressParts {
  const p: AddressParts = {
    road: null,
    number: null,
    compound: null,
    building: null,
    unit: null,
    floor: null,
    room: null,
  }
  const items = groupTokens(tokenize(tail))
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const next = items[i + 1]
    if (item.kind === 'text') {
      // a building after the door number: 1号楼, or dashed 1-1-102
      const buildingLater = items
        .slice(i + 2)
        .some((x) => x.kind === 'group' && (x.mark === 'building' || (x.mark === null && x.nums.length >= 2)))
      placeText(p, dropUnknownDivisions(item.text), next?.kind === 'group' ? next : null, buildingLater)
    } else placeGroup(p, item)
  }
  return p
}

function placeText(p: AddressParts, text: string, next: NumberGroup | null, buildingLater: boolean): void {
  if (text.length < 2) return
  const nothingYet = !p.road && !p.compound && !p.number && !p.building && !p.unit && !p.room
  if (nothingYet) {
    const split = splitRoadCompound(text)
    if (split) [p.road, p.compound] = split
    // 七家湾8号1号楼102室, 七家湾8-1-1-102: a door number, then a building, so 七家湾 is a street
    // (武定新村12号301室 and 翠苑小区3-2-301 are compounds: no door number before the building)
    else if (
      endsWithAny(text, STREET_LIKE) &&
      ((next?.mark === 'hao' && buildingLater) || (next?.mark === null && next.nums.length >= 4))
    )
      p.road = text
    else if (endsWithAny(text, COMPOUND)) p.compound = text
    else if (next && BUILDING_MARKS.has(next.mark))
      p.compound = text // 阳光里3栋: a compound
    else if (endsWithAny(text, ROAD) || (next && (next.mark === null || next.mark === 'hao'))) p.road = text
    else if (next) p.compound = text
    return
  }
  // 中山路18号国际贸易中心3栋: a compound named after the door number
  if (
    !p.compound &&
    !p.building &&
    (endsWithAny(text, COMPOUND) || (next && BUILDING_MARKS.has(next.mark)))
  ) {
    p.compound = text
  }
}

function openSlots(p: AddressParts): Slot[] {
  let deepest = -1
  for (let i = 0; i < SLOTS.length; i++) if (p[SLOTS[i]!] !== null) deepest = i
  const open: Slot[] = []
  for (let i = deepest + 1; i < SLOTS.length; i++) {
    const slot = SLOTS[i]!
    if (slot !== 'number' || p.road !== null || p.compound === null) open.push(slot)
  }
  return open
}

function placeGroup(p: AddressParts, g: NumberGroup): void {
  const { nums, mark } = g
  const lastNum = nums[nums.length - 1]!
  if (mark === 'lane') {
    if (p.road && !p.number) p.road += nums.join('-') + '弄' // 长乐路123弄4号: the lane belongs to the road
    return
  }
  if (mark === 'floor') {
    p.floor ??= lastNum
    return
  }
  const open = openSlots(p)
  const target = targetSlot(p, g, open)
  if (!target || !open.includes(target)) return
  const above = open.slice(0, open.indexOf(target))
  const lead = nums.slice(0, -1)
  // 贡院街12-3: too short for a room, so one door number, as 12-1号 is
  if (mark === null && above[0] === 'number' && nums.length === 2 && lastNum.length < 3) {
    p.number = nums.join('-')
    return
  }
  // more numbers than levels left above the marked one (12-1号): they are one value
  if (lead.length > above.length) {
    p[target] = nums.join('-')
    return
  }
  for (let i = 0; i < lead.length; i++) p[above[i]!] = lead[i]!
  p[target] = lastNum
}

function targetSlot(p: AddressParts, g: NumberGroup, open: Slot[]): Slot | null {
  switch (g.mark) {
    case 'building':
      return 'building'
    case 'unit':
      return 'unit'
    case 'room':
      return 'room'
    case 'hao':
      if (open.includes('number')) return 'number'
      return p.building ? 'room' : 'building'
    default:
      if (g.nums.length > 1) return 'room'
      if (open.includes('number')) return 'number'
      return p.compound && !p.number && !p.building ? 'building' : 'room'
  }
}
