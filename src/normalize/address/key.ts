/**
 * The canonical key of a standard address, the one string every spelling of a dwelling shares:
 *   districtCode|road|number|building|room      when the door number is on a road
 *   districtCode|@compound|building|room        inside a named compound with no door number
 *   districtCode|#divisionCode                  only a division was recognised
 * The unit (单元) is left out on purpose: 秦淮区贡院街12号3幢301 omits it where
 * 贡院街12号3栋2单元301室 writes it, and both are one dwelling; matching compares the unit apart.
 */
import type { AddressDepth } from '../../../schemas/address.ts'
import type { AddressParts } from './parts.ts'

const DEPTH_ORDER = ['road', 'number', 'compound', 'building', 'unit', 'room'] as const

/** The deepest part present; 'division' when there is no road or compound to stand on. */
export function addressDepth(p: AddressParts): AddressDepth {
  if (!p.road && !p.compound) return 'division'
  let depth: AddressDepth = 'division'
  for (const part of DEPTH_ORDER) if (p[part] !== null) depth = part
  return depth
}

const v = (s: string | null): string => s ?? ''

export function addressKeys(
  districtCode: string | null,
  p: AddressParts,
  divisionCode: string | null,
): { key: string; buildingKey: string | null } {
  const d = districtCode ?? '?'
  if (p.road && (p.number || !p.compound)) {
    const head = `${d}|${p.road}|${v(p.number)}|${v(p.building)}`
    // a door number is a building on its own (a shop at 贡院街15号); a bare road is no building
    return { key: `${head}|${v(p.room)}`, buildingKey: p.number || p.building ? head : null }
  }
  if (p.compound) {
    const head = `${d}|@${p.compound}|${v(p.building)}`
    return { key: `${head}|${v(p.room)}`, buildingKey: p.building ? head : null }
  }
  return { key: `${d}|#${divisionCode ?? ''}`, buildingKey: null }
}
