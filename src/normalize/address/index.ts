/**
 * The address normaliser: free text → standard address (一标) with a canonical key.
 *   parseAddress('南京市秦淮区夫子庙街道贡院街12号3栋2单元301室')
 *   parseAddress('贡院街12-3-2-301', { defaultDistrict: '320104' })
 * both give key 320104|贡院街|12|3|301 (the unit is kept apart, see key.ts).
 */
import type { ParsedAddress } from '../../../schemas/address.ts'
import type { Normalized } from '../../../schemas/problem.ts'
import { matchCommunity, matchUpperDivisions, related, type UpperMatch } from './division-prefix.ts'
import { levelOfCode } from './divisions.ts'
import { addressDepth, addressKeys } from './key.ts'
import { parseParts } from './parts.ts'
import { toSimplified } from '../name.ts'
import { cleanAddressText } from './text.ts'

export type { Division, DivisionLevel } from './divisions.ts'
export { communitiesOf, divisionName, findDivision, streetsOf } from './divisions.ts'
export { type AddressTextParts, formatAddress, formatKey } from './format.ts'

export interface AddressContext {
  defaultDistrict?: string // 6-digit code of the hub's district, assumed when the text names none
  /**
   * Resolve communities (社区/村) of districts other than defaultDistrict too. Off by default: a
   * migrant's hukou names one of 3,000 districts, and reading each one's communities from the
   * division list cost a police.floating load a quarter of its time for a level the hub never uses.
   */
  communitiesOutside?: boolean
}

export const MAX_ADDRESS_LENGTH = 200

// Division names hold no ASCII digit, so the division prefix depends only on the text before the
// first digit: memoised on it, it is matched once per distinct road of a file, not once per row.
const upperMemo = new Map<string, UpperMatch>()
const UPPER_MEMO_LIMIT = 200_000

function upperDivisions(text: string, defaultDistrict?: string): UpperMatch {
  const firstDigit = text.search(/\d/)
  const head = firstDigit < 0 ? text : text.slice(0, firstDigit)
  // A key built from pieces, never `head` itself: a slice of the text keeps the whole string it was cut
  // from alive (for an ingest, the block of the file it was read with), and the memo outlives many.
  const memoKey = (defaultDistrict ?? '') + '|' + head
  let m = upperMemo.get(memoKey)
  if (!m) {
    m = matchUpperDivisions(head, defaultDistrict)
    if (upperMemo.size >= UPPER_MEMO_LIMIT) upperMemo.clear()
    upperMemo.set(memoKey, m)
  }
  return m
}

export function parseAddress(raw: string, ctx: AddressContext = {}): Normalized<ParsedAddress> {
  if (raw.length > MAX_ADDRESS_LENGTH) {
    return {
      value: null,
      problem: { code: 'TOO_LONG', severity: 'error', detail: `> ${MAX_ADDRESS_LENGTH}` },
    }
  }
  // a clerk typing with a traditional-character input method writes 貢院街12號3棟: the same dwelling
  const text = cleanAddressText(toSimplified(raw))
  if (!text) return { value: null }
  const def = ctx.defaultDistrict
  const upper = upperDivisions(text, def)
  let code = upper.code
  let pos = upper.end

  // The hub's district is assumed unless the text named a division off its line of descent.
  const assumesDefault = def !== undefined && (code === null ? !upper.named : related(code, def))
  const scope = code && code.length >= 6 ? code : assumesDefault ? def : null
  const inHub =
    def === undefined || ctx.communitiesOutside === true || (scope !== null && related(scope, def))
  const community =
    scope && inHub ? matchCommunity(text, pos, scope.length > 9 ? scope.slice(0, 9) : scope) : null
  if (community) {
    code = community.code
    pos = community.end
  }
  const effective = code && code.length >= 6 ? code : assumesDefault ? def : code
  const outside = def !== undefined && code !== null && !related(code, def)

  const parts = parseParts(text.slice(pos))
  // 张村12号: a village with house numbers and no road; the village stands for the compound
  if (community && !parts.road && !parts.compound && (parts.number || parts.building || parts.room)) {
    parts.compound = community.commonName
    if (parts.number && !parts.building) [parts.building, parts.number] = [parts.number, null]
  }

  const districtCode = effective && effective.length >= 6 ? effective.slice(0, 6) : null
  const unparsed = !parts.road && !parts.compound
  if (unparsed && !upper.named && !community) {
    return { value: null, problem: { code: 'ADDRESS_UNPARSED', severity: 'warning' } }
  }
  const { key, buildingKey } = addressKeys(districtCode, parts, effective)
  const value: ParsedAddress = {
    raw,
    divisionCode: effective ? effective.padEnd(12, '0') : null,
    divisionLevel: effective ? levelOfCode(effective) : null,
    districtCode,
    streetCode: effective && effective.length >= 9 ? effective.slice(0, 9) : null,
    communityCode: effective && effective.length === 12 ? effective : null,
    ...parts,
    depth: addressDepth(parts),
    key,
    buildingKey,
  }
  if (unparsed) {
    const detail = outside ? '且不在本辖区' : undefined
    return {
      value,
      problem: { code: 'ADDRESS_UNPARSED', severity: 'warning', ...(detail ? { detail } : {}) },
    }
  }
  if (outside) return { value, problem: { code: 'ADDRESS_OUTSIDE', severity: 'warning' } }
  return { value }
}
