import { describe, expect, it } from 'vitest'
import {
  AddressCanon,
  buildingOf,
  clusterHouses,
  type HouseRecord,
  isPartial,
} from '../../src/match/houses.ts'
import { addressKeys } from '../../src/normalize/address/key.ts'
import type { AddressParts } from '../../src/normalize/address/parts.ts'

const canon = () =>
  new AddressCanon(
    new Map([
      ['320104|@华侨小区', '320104|常府街|8'],
      ['320102|@翠苑', '320102|珠江路|100'],
    ]),
  )

describe('AddressCanon.key', () => {
  it.each([
    // a compound-only key is rewritten onto its door number, building and room kept
    ['320104|@华侨小区|3|301', '320104|常府街|8|3|301'],
    ['320104|@华侨小区|3|', '320104|常府街|8|3|'],
    ['320104|@华侨小区||', '320104|常府街|8||'],
    ['320104|@华侨小区', '320104|常府街|8'],
    ['320102|@翠苑|2|502', '320102|珠江路|100|2|502'],
    // no alias: the same compound in another district, another compound, a longer name
    ['320102|@华侨小区|3|301', '320102|@华侨小区|3|301'],
    ['320104|@其他小区|3|301', '320104|@其他小区|3|301'],
    ['320104|@华侨小区东区|3|301', '320104|@华侨小区东区|3|301'],
    // keys that are not compound-only are left alone
    ['320104|常府街|8|3|301', '320104|常府街|8|3|301'],
    ['320104|#320104001', '320104|#320104001'],
    ['!17/person', '!17/person'],
    ['', ''],
  ])('%s → %s', (from, to) => {
    expect(canon().key(from)).toBe(to)
  })

  it('passes null through', () => {
    expect(canon().key(null)).toBeNull()
  })

  it('rewrites nothing with no aliases', () => {
    const empty = new AddressCanon(new Map())
    expect(empty.size).toBe(0)
    expect(empty.key('320104|@华侨小区|3|301')).toBe('320104|@华侨小区|3|301')
  })

  it('counts its aliases', () => {
    expect(canon().size).toBe(2)
  })
})

describe('isPartial', () => {
  it.each([
    ['320104|常府街|8|3|', true], // building, no room
    ['320104|@华侨小区|3|', true],
    ['!17/person', true], // a singleton: nothing known
    ['!', true],
    ['320104|常府街|8|3|301', false],
    ['320104|@华侨小区|3|301', false],
    ['320104|常府街|8||', false], // a door number alone is the dwelling (a shop at its number)
    ['320104|@华侨小区||', false], // no building either
    ['320104|常府街|||', false],
    ['320104|#320104001', false],
    ['a|', false], // too few parts to have a building
    ['', false],
  ])('%s → %s', (key, partial) => {
    expect(isPartial(key)).toBe(partial)
  })
})

describe('buildingOf', () => {
  it.each([
    ['320104|常府街|8|3|301', '320104|常府街|8|3'],
    ['320104|常府街|8|3|', '320104|常府街|8|3'],
    ['320104|@华侨小区|3|301', '320104|@华侨小区|3'],
    ['320104|@华侨小区|3|', '320104|@华侨小区|3'],
    ['320104|常府街||3|301', '320104|常府街||3'],
    ['320104|@华侨小区||301', null], // a compound without a building
    ['320104|常府街|||', null], // a bare road
    ['!17/person', null],
    ['!', null],
  ])('%s → %s', (key, building) => {
    expect(buildingOf(key)).toBe(building)
  })

  it('passes null through', () => {
    expect(buildingOf(null)).toBeNull()
  })

  const parts = (p: Partial<AddressParts>): AddressParts => ({
    road: null,
    number: null,
    compound: null,
    building: null,
    unit: null,
    floor: null,
    room: null,
    ...p,
  })

  it.each([
    ['road, number, building, room', parts({ road: '常府街', number: '8', building: '3', room: '301' })],
    ['road, number, building', parts({ road: '常府街', number: '8', building: '3' })],
    ['road, building, room', parts({ road: '常府街', building: '3', room: '301' })],
    ['a bare road', parts({ road: '常府街' })],
    ['compound, building, room', parts({ compound: '华侨小区', building: '3', room: '301' })],
    ['compound, room', parts({ compound: '华侨小区', room: '301' })],
  ])('agrees with the building key the parser stores (%s)', (_, p) => {
    const { key, buildingKey } = addressKeys('320104', p, null)
    expect(buildingOf(key)).toBe(buildingKey)
  })

  // buildingOf agrees with the parser's buildingKey: a door number is a building on its own (320104|常府街|8|)
  it.each([
    ['road, number', parts({ road: '常府街', number: '8' })],
    ['road, number, room', parts({ road: '常府街', number: '8', room: '201' })],
  ])('agrees with the building key the parser stores (%s)', (_, p) => {
    const { key, buildingKey } = addressKeys('320104', p, null)
    expect(buildingOf(key)).toBe(buildingKey)
  })
})

describe('clusterHouses', () => {
  const house = (key: string): HouseRecord => ({ key }) as HouseRecord

  it('makes one cluster per key, numbered by first appearance', () => {
    const records = ['k2', 'k1', 'k2', '!1/house', 'k1', '!2/house'].map(house)
    const { clusterOf, keys } = clusterHouses(records)
    expect(Array.from(clusterOf)).toEqual([0, 1, 0, 2, 1, 3])
    expect(keys).toEqual(['k2', 'k1', '!1/house', '!2/house'])
  })

  it('handles no records', () => {
    const { clusterOf, keys } = clusterHouses([])
    expect(clusterOf).toHaveLength(0)
    expect(keys).toEqual([])
  })
})
