import { describe, expect, it } from 'vitest'
import { formatAddress, formatKey } from '../../../src/normalize/address/index.ts'

describe('formatKey: the text of a canonical address key', () => {
  it.each([
    ['320104|常府街|8|1|301', '秦淮区常府街8号1栋301室'],
    ['320104|常府街|||', '秦淮区常府街'],
    ['?|常府街|8||', '常府街8号'],
    ['320104|@华侨小区|1|301', '秦淮区华侨小区1栋301室'],
    ['320104|#320104001', '秦虹街道'],
    ['320104|#', '秦淮区'],
    // nothing below the division: the division's own name
    ['320104||||', '秦淮区'],
    ['320104|@||', '秦淮区'],
    ['?|#', null],
    // refused keys, blanks and shapes no key has
    ['!bad', null],
    ['', null],
    [null, null],
    ['x|y', null],
    ['320104|常府街|8|1|301|9', null],
    ['320104|@小区|1', null],
  ])('%j → %j', (key, text) => {
    expect(formatKey(key)).toBe(text)
  })

  it('writes a key as formatAddress writes the same parts', () => {
    const parts = {
      divisionCode: '320104',
      road: '常府街',
      number: '8',
      compound: null,
      building: '1',
      unit: null,
      floor: null,
      room: '301',
    }
    expect(formatKey('320104|常府街|8|1|301')).toBe(formatAddress(parts))
    expect(formatKey('320104|@华侨小区|1|301')).toBe(
      formatAddress({ ...parts, road: null, number: null, compound: '华侨小区' }),
    )
  })
})
