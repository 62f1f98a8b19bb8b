/**
 * Addresses written back as a person reads them: 秦淮区常府街8号1栋1单元301室. The hub stores parts and
 * canonical keys (key.ts); a grid worker and a clerk need the text.
 */
import { divisionName } from './divisions.ts'

export interface AddressTextParts {
  divisionCode: string | null
  road: string | null
  number: string | null
  compound: string | null
  building: string | null
  unit: string | null
  floor: string | null
  room: string | null
}

const DISTRICT_NAMES_MAX = 10_000
const districtNames = new Map<string, string>()

/** The district's name, never more: the street office and community are not part of a postal address. */
const districtName = (code: string | null): string => {
  if (!code) return ''
  // a page of records names a handful of districts, each a lookup through the division tables
  const known = districtNames.get(code)
  if (known !== undefined) return known
  const name = /^\d{6}/.test(code) ? (divisionName(code.slice(0, 6)) ?? '') : ''
  if (districtNames.size >= DISTRICT_NAMES_MAX) districtNames.clear()
  districtNames.set(code, name)
  return name
}

const mark = (value: string | null, suffix: string): string => (value ? value + suffix : '')

/** 常府街8号华侨小区1栋1单元301室; null when there is nothing below the division to write. */
export function formatAddress(p: AddressTextParts): string | null {
  const below =
    (p.road ?? '') +
    mark(p.number, '号') +
    (p.compound ?? '') +
    mark(p.building, '栋') +
    mark(p.unit, '单元') +
    (p.room ? '' : mark(p.floor, '层')) +
    mark(p.room, '室')
  if (!below) return p.divisionCode ? divisionName(p.divisionCode) : null
  return districtName(p.divisionCode) + below
}

/**
 * The text of a canonical key (key.ts): 320104|常府街|8|1|301 → 秦淮区常府街8号1栋301室. Keys leave the
 * unit out, so the text does too.
 */
export function formatKey(key: string | null): string | null {
  if (!key || key.startsWith('!')) return null
  // an export writes the same hukou and dwelling keys over and over (a household shares them)
  const known = keyTexts.get(key)
  if (known !== undefined) return known
  const text = keyText(key)
  if (keyTexts.size >= KEY_TEXTS_MAX) keyTexts.clear()
  keyTexts.set(key, text)
  return text
}

const KEY_TEXTS_MAX = 200_000
const keyTexts = new Map<string, string | null>()

function keyText(key: string): string | null {
  const parts = key.split('|')
  const d = parts[0] === '?' ? null : (parts[0] ?? null)
  const empty = { divisionCode: d, road: null, number: null, compound: null, unit: null, floor: null }
  const or = (s: string | undefined): string | null => (s ? s : null)
  if (parts.length === 2 && parts[1]!.startsWith('#'))
    return or(parts[1]!.slice(1)) ? divisionName(parts[1]!.slice(1)) : d && divisionName(d)
  if (parts.length === 4 && parts[1]!.startsWith('@'))
    return formatAddress({
      ...empty,
      compound: or(parts[1]!.slice(1)),
      building: or(parts[2]),
      room: or(parts[3]),
    })
  if (parts.length === 5)
    return formatAddress({
      ...empty,
      road: or(parts[1]),
      number: or(parts[2]),
      building: or(parts[3]),
      room: or(parts[4]),
    })
  return null
}
