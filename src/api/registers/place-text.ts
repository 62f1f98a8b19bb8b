import { divisionName } from '../../normalize/address/index.ts'
import type { TextBuilder } from '../exports/column-page.ts'

/**
 * format.ts's formatAddress and formatKey on UTF-8 bytes, for exports read as COPY text: a million rows
 * each name a house and a hukou address, nearly all different, so the text is put together from the
 * bytes of its parts instead of strings. Only the division's name needs a string, and an export names
 * few divisions. test/api/registers/export-copy.test.ts holds this to format.ts on every branch.
 */

const NUMBER = Buffer.from('号')
const BUILDING = Buffer.from('栋')
const UNIT = Buffer.from('单元')
const FLOOR = Buffer.from('层')
const ROOM = Buffer.from('室')
const EMPTY = Buffer.alloc(0)
const BAR = 0x7c
const MAX_PARTS = 6

/**
 * A map key for a division code without making a string: a code of up to 14 digits as a number (its
 * length in the low bits, so 0320 is not 320), any other text as its bytes read one to a character.
 */
const codeKey = (src: Buffer, s: number, e: number): number | string => {
  if (e - s > 14) return src.toString('latin1', s, e)
  let n = 0
  for (let i = s; i < e; i++) {
    const d = src[i]! - 48
    if (d < 0 || d > 9) return src.toString('latin1', s, e)
    n = n * 10 + d
  }
  return n * 16 + (e - s)
}

export class PlaceText {
  private readonly names = new Map<number | string, Buffer | null>()
  private readonly districts = new Map<number | string, Buffer>()
  private below = Buffer.allocUnsafe(1024)
  private end = 0
  private readonly starts = new Int32Array(MAX_PARTS)
  private readonly ends = new Int32Array(MAX_PARTS)

  /** The text below the division, appended to `below`: a null (s < 0) or empty value adds nothing. */
  private put(src: Uint8Array, s: number, e: number, suffix: Uint8Array = EMPTY): void {
    if (s < 0 || e === s) return
    const need = this.end + e - s + suffix.length
    if (need > this.below.length) {
      const grown = Buffer.allocUnsafe(need * 2)
      this.below.copy(grown, 0, 0, this.end)
      this.below = grown
    }
    const b = this.below
    let o = this.end
    for (let i = s; i < e; i++) b[o++] = src[i]!
    for (let i = 0; i < suffix.length; i++) b[o++] = suffix[i]!
    this.end = o
  }

  /** divisionName(code) as bytes, or null. */
  private name(src: Buffer, s: number, e: number): Buffer | null {
    const key = codeKey(src, s, e)
    let bytes = this.names.get(key)
    if (bytes === undefined) {
      const name = divisionName(src.toString('utf8', s, e))
      this.names.set(key, (bytes = name === null ? null : Buffer.from(name)))
    }
    return bytes
  }

  /** format.ts's districtName(code) as bytes: the name of the district the code starts with, or nothing. */
  private district(src: Buffer, s: number, e: number): Buffer {
    const key = codeKey(src, s, e)
    let bytes = this.districts.get(key)
    if (bytes === undefined) {
      const code = src.toString('utf8', s, e)
      const name = /^\d{6}/.test(code) ? divisionName(code.slice(0, 6)) : null
      this.districts.set(key, (bytes = name === null ? EMPTY : Buffer.from(name)))
    }
    return bytes
  }

  private appendName(out: TextBuilder, name: Buffer | null): void {
    if (name === null) out.appendNull()
    else out.appendBytes(name, 0, name.length)
  }

  /** The end of formatAddress, with `below` written: the division code is src[s, e), null where s < 0. */
  private finish(out: TextBuilder, src: Buffer, s: number, e: number): void {
    if (this.end > 0) out.appendJoined(s < 0 ? EMPTY : this.district(src, s, e), this.below, 0, this.end)
    else this.appendName(out, s < 0 || e === s ? null : this.name(src, s, e))
  }

  /**
   * formatAddress of the eight fields from `f`: division code, road, number, compound, building, unit,
   * floor, room.
   */
  address(out: TextBuilder, src: Buffer, starts: Int32Array, ends: Int32Array, f: number): void {
    this.end = 0
    const room = starts[f + 7]! >= 0 && ends[f + 7]! > starts[f + 7]!
    this.put(src, starts[f + 1]!, ends[f + 1]!)
    this.put(src, starts[f + 2]!, ends[f + 2]!, NUMBER)
    this.put(src, starts[f + 3]!, ends[f + 3]!)
    this.put(src, starts[f + 4]!, ends[f + 4]!, BUILDING)
    this.put(src, starts[f + 5]!, ends[f + 5]!, UNIT)
    if (!room) this.put(src, starts[f + 6]!, ends[f + 6]!, FLOOR)
    this.put(src, starts[f + 7]!, ends[f + 7]!, ROOM)
    this.finish(out, src, starts[f]!, ends[f]!)
  }

  /** formatKey of the key src[s, e) (null where s < 0): 320104|常府街|8|1|301, 320104|@小区|1|301, 320104|#320104001. */
  key(out: TextBuilder, src: Buffer, s: number, e: number): void {
    if (s < 0 || e === s || src[s] === 0x21) return out.appendNull() // none, or ! (unreadable)
    const ps = this.starts
    const pe = this.ends
    let n = 0
    ps[0] = s
    for (let i = s; i < e; i++)
      if (src[i] === BAR) {
        if (++n === MAX_PARTS) return out.appendNull() // more parts than any key form has
        pe[n - 1] = i
        ps[n] = i + 1
      }
    pe[n] = e
    n++
    // the division: null for ?
    const ds = pe[0]! - ps[0]! === 1 && src[ps[0]!] === 0x3f ? -1 : ps[0]!
    const de = pe[0]!
    const lead = n >= 2 && pe[1]! > ps[1]! ? src[ps[1]!] : -1
    if (n === 2 && lead === 0x23) {
      // #division: that division's name, else the key's own division's
      if (pe[1]! - ps[1]! > 1) return this.appendName(out, this.name(src, ps[1]! + 1, pe[1]!))
      if (ds < 0) return out.appendNull()
      if (de === ds) return out.appendBytes(EMPTY, 0, 0)
      return this.appendName(out, this.name(src, ds, de))
    }
    this.end = 0
    if (n === 4 && lead === 0x40) {
      // @compound|building|room
      this.put(src, ps[1]! + 1, pe[1]!)
      this.put(src, ps[2]!, pe[2]!, BUILDING)
      this.put(src, ps[3]!, pe[3]!, ROOM)
    } else if (n === 5) {
      // road|number|building|room
      this.put(src, ps[1]!, pe[1]!)
      this.put(src, ps[2]!, pe[2]!, NUMBER)
      this.put(src, ps[3]!, pe[3]!, BUILDING)
      this.put(src, ps[4]!, pe[4]!, ROOM)
    } else return out.appendNull()
    this.finish(out, src, ds, de)
  }
}
