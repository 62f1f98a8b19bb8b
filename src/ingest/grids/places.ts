/**
 * An address from a grid table, read by the same parser as every department's addresses so any
 * spelling resolves: 颐和名苑, 应天大街5号颐和名苑, 秦淮区应天大街5号 are one site; 颐和名苑 + 楼栋 3
 * is a building. The key is the parser's; the matcher's compound aliases apply when grids are assigned.
 */
import type { ParsedAddress } from '../../../schemas/address.ts'
import { parseAddress } from '../../normalize/address/index.ts'
import { addressKeys } from '../../normalize/address/key.ts'
import type { Place } from './types.ts'

/** A bare building number (3, 十二, A) needs its word for the parser to read it as a building. */
const BARE_BUILDING = /^([0-9]+|[A-Za-z]|[零一二三四五六七八九十百]+)$/

export function buildingText(text: string): string {
  const t = text.normalize('NFKC').trim()
  return BARE_BUILDING.test(t) ? `${t}栋` : t
}

/** The place an address names, at the finest level it reaches, or why it names none. */
export function readPlace(
  site: string,
  building: string,
  district: string,
): { place: Place; problem?: never } | { place?: never; problem: string } {
  const text = `${site.trim()}${building.trim() === '' ? '' : buildingText(building)}`
  if (text === '') return { problem: 'is blank' }
  const parsed = parseAddress(text, { defaultDistrict: district })
  const a = parsed.value
  if (parsed.problem?.code === 'TOO_LONG') return { problem: 'is too long for an address' }
  if (!a || parsed.problem?.code === 'ADDRESS_UNPARSED') {
    const compound = building.trim() === '' ? bareCompound(site, district) : null
    return compound
      ? { place: compound }
      : { problem: 'cannot be read as a compound, door number or building' }
  }
  if (parsed.problem?.code === 'ADDRESS_OUTSIDE') return { problem: `lies outside district ${district}` }
  if (building.trim() !== '' && a.building === null)
    return { problem: `楼栋 ${building.trim()} cannot be read as a building` }
  if (a.room !== null) return { place: { level: 'house', key: a.key } }
  if (a.building !== null) return { place: { level: 'building', key: a.key } }
  if ((a.road !== null && a.number !== null) || a.compound !== null)
    return { place: { level: 'site', key: a.key } }
  return { problem: 'names only a road: name a compound, a door number or a building' }
}

/**
 * A compound's bare name the parser cannot place (蓝旗大楼) is read as one once a building follows
 * (蓝旗大楼1栋), as departments write it: the site is that compound without the building. (A name it
 * reads as a road, 蓝旗里, stays a road: the row must give the door number.)
 */
function bareCompound(site: string, district: string): Place | null {
  if (/\d/.test(site)) return null
  const a: ParsedAddress | null = parseAddress(`${site.trim()}1栋`, { defaultDistrict: district }).value
  if (!a || a.compound === null || a.road !== null || a.building !== '1') return null
  const parts = {
    road: null,
    number: null,
    compound: a.compound,
    building: null,
    unit: null,
    floor: null,
    room: null,
  }
  return { level: 'site', key: addressKeys(a.districtCode, parts, a.divisionCode).key }
}
