import { describe, expect, test } from 'vitest'
import type { GoldenHouse, HouseMember } from '../../../src/match/survivorship/index.ts'
import { house, shipped, T1, T3 } from './members.ts'

const ROOM = '320104|贡院街|12|3|301'
const BUILDING = '320104|贡院街|12|3|'

type Field = Exclude<keyof GoldenHouse, 'provenance' | 'address'>

interface Case {
  title: string
  members: HouseMember[]
  field: Field
  value: GoldenHouse[Field]
  from: [number, string] | null
}

const cases: Case[] = [
  {
    title: 'key: the rental register first',
    members: [
      house(1, 'police.hukou', { key: '320104|贡院街|12|3|302', depth: 'room' }),
      house(2, 'police.rental', { key: ROOM, depth: 'room' }),
    ],
    field: 'key',
    value: ROOM,
    from: [2, 'trust:police.rental'],
  },
  {
    title: 'key: same source, the room beats the building',
    members: [
      house(1, 'grid.visit', { key: BUILDING, depth: 'building', seenAt: T3 }),
      house(2, 'grid.visit', { key: ROOM, depth: 'room', seenAt: T1 }),
    ],
    field: 'key',
    value: ROOM,
    from: [2, 'most-precise'],
  },
  {
    title: 'key: none',
    members: [house(1, 'police.rental')],
    field: 'key',
    value: null,
    from: null,
  },
  {
    title: 'usage: a registered rental beats a household registration, even an older one',
    members: [
      house(1, 'police.hukou', { usage: '自住', seenAt: T3 }),
      house(2, 'police.rental', { usage: '出租', seenAt: T1 }),
    ],
    field: 'usage',
    value: '出租',
    from: [2, 'trust:police.rental'],
  },
  {
    title: 'usage: a shop on patrol beats a household registration',
    members: [house(1, 'police.hukou', { usage: '自住' }), house(2, 'urban.shopfront', { usage: '经营' })],
    field: 'usage',
    value: '经营',
    from: [2, 'trust:urban.shopfront'],
  },
  {
    title: 'grid code: the grid worker first',
    members: [house(1, 'police.rental', { gridCode: 'G01' }), house(2, 'grid.visit', { gridCode: 'G02' })],
    field: 'gridCode',
    value: 'G02',
    from: [2, 'trust:grid.visit'],
  },
  {
    title: 'owner: from the rental register',
    members: [
      house(1, 'police.rental', { ownerPersonId: 'P1', seenAt: T1 }),
      house(2, 'police.rental', { ownerPersonId: 'P2', seenAt: T3 }),
      house(3, 'police.hukou'),
    ],
    field: 'ownerPersonId',
    value: 'P2',
    from: [2, 'recent'],
  },
  {
    title: 'lng: only from a member with both coordinates',
    members: [
      house(1, 'police.rental', { lng: 118.79, lat: null }),
      house(2, 'grid.visit', { lng: 118.8, lat: 32.06 }),
    ],
    field: 'lng',
    value: 118.8,
    from: [2, 'only'],
  },
  {
    title: 'lat: from the same member as lng',
    members: [
      house(1, 'grid.visit', { lng: 118.8, lat: 32.06 }),
      house(2, 'police.rental', { lng: 118.7, lat: 32.01 }),
    ],
    field: 'lat',
    value: 32.01,
    from: [2, 'trust:police.rental'],
  },
]

describe('house survivorship', () => {
  test.each(cases)('$title', ({ members, field, value, from }) => {
    const golden = shipped.house(members)
    expect(golden[field]).toEqual(value)
    const provenance = golden.provenance[field]
    if (from === null) expect(provenance).toBeUndefined()
    else {
      const winner = members.find((m) => m.sourceRecordId === from[0])!
      expect(provenance).toEqual({
        sourceRecordId: from[0],
        source: winner.source,
        rule: from[1],
        at: winner.seenAt,
      })
    }
  })

  test('the address parts come from the record that gave the key', () => {
    const golden = shipped.house([
      house(1, 'grid.visit', {
        key: ROOM,
        depth: 'room',
        divisionCode: '320104000000',
        road: '贡院街',
        number: '12',
        building: '3',
        room: '301',
        compound: '某小区',
      }),
      house(2, 'police.rental', {
        key: ROOM,
        depth: 'room',
        divisionCode: '320104002000',
        road: '贡院街',
        number: '12',
        building: '3',
        unit: '2',
        floor: '3',
        room: '301',
      }),
    ])
    expect(golden.key).toBe(ROOM)
    expect(golden.address).toEqual({
      divisionCode: '320104002000',
      road: '贡院街',
      number: '12',
      compound: null,
      building: '3',
      unit: '2',
      floor: '3',
      room: '301',
    })
  })

  test('lng and lat carry the same provenance, as separate objects', () => {
    const golden = shipped.house([house(7, 'grid.visit', { lng: 118.8, lat: 32.06 })])
    expect(golden.provenance.lng).toEqual(golden.provenance.lat)
    expect(golden.provenance.lng).not.toBe(golden.provenance.lat)
  })

  test('no members: every field empty', () => {
    expect(shipped.house([])).toEqual({
      key: null,
      address: null,
      usage: null,
      ownerPersonId: null,
      gridCode: null,
      lng: null,
      lat: null,
      provenance: {},
    })
  })
})
