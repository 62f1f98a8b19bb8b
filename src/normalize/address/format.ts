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
  return withDivision(p.divisionCode, below)
}

/** The district before what lies below it, or the division alone when nothing does. */
const withDivision = (divisionCode: string | null, below: string): string | null => {
  if (!below) return divisionCode ? divisionName(divisionCode) : null
  return districtName(divisionCode) + below
}

/**
 * The text of a canonical key (key.ts): 320104|常府街|8|1|301 → 秦淮区常府街8号1栋301室. Keys leave the
 * unit out, so the text does too.
 */
export function formatKey(key: string | null): string | null {
  if (!key || key.startsWith('!')) return null
  return keyText(key)
}

// The text straight from the key's pieces, as formatAddress would write them (a key has no unit and no
// floor). Not memoised: a lookup's page formats keys mostly seen once, and a memo of 200,000 of them was
// three times slower than this on fresh strings, and held 200,000 texts in the server's heap.
function keyText(key: string): string | null {
  const parts = key.split('|')
  const d = parts[0] === '?' ? null : (parts[0] ?? null)
  const p1 = parts[1] ?? ''
  if (parts.length === 2 && p1.startsWith('#'))
    return p1.length > 1 ? divisionName(p1.slice(1)) : d && divisionName(d)
  if (parts.length === 4 && p1.startsWith('@'))
    return withDivision(d, p1.slice(1) + mark(parts[2]!, '栋') + mark(parts[3]!, '室'))
  if (parts.length === 5)
    return withDivision(d, p1 + mark(parts[2]!, '号') + mark(parts[3]!, '栋') + mark(parts[4]!, '室'))
  return null
}
