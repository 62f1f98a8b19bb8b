import { describe, expect, test } from 'vitest'
import type { GoldenPerson, PersonMember } from '../../../src/match/survivorship/index.ts'
import { person, shipped, T1, T2, T3 } from './members.ts'

// Made-up ids: 18 characters, not real people.
const ID_A = '11010119900101001X'
const ID_B = '110101199001010029'

type Field = Exclude<keyof GoldenPerson, 'provenance'>

interface Case {
  title: string
  members: PersonMember[]
  field: Field
  value: GoldenPerson[Field]
  /** sourceRecordId and rule of the provenance; null when the field has none. */
  from: [number, string] | null
}

const cases: Case[] = [
  // trust
  {
    title: 'the household register beats the residence register for a name',
    members: [person(2, 'police.floating', { name: '张玮' }), person(1, 'police.hukou', { name: '张伟' })],
    field: 'name',
    value: '张伟',
    from: [1, 'trust:police.hukou'],
  },
  {
    title: 'trust beats recency',
    members: [
      person(1, 'police.hukou', { gender: 'M', seenAt: T1 }),
      person(2, 'grid.visit', { gender: 'F', seenAt: T3 }),
    ],
    field: 'gender',
    value: 'M',
    from: [1, 'trust:police.hukou'],
  },
  {
    title: 'civil affairs before the rental register for ethnicity',
    members: [
      person(1, 'police.rental', { ethnicity: '回族' }),
      person(2, 'civil.assistance', { ethnicity: '汉族' }),
    ],
    field: 'ethnicity',
    value: '汉族',
    from: [2, 'trust:civil.assistance'],
  },
  {
    title: 'a listed source beats one the rules do not know',
    members: [person(1, 'acme.newsource', { name: '王伟' }), person(2, 'urban.shopfront', { name: '王玮' })],
    field: 'name',
    value: '王玮',
    from: [2, 'trust:urban.shopfront'],
  },
  {
    title: 'two sources sharing one rank: recency decides',
    members: [
      person(1, 'market.entity', { name: '李娜', seenAt: T1 }),
      person(2, 'civil.socialorg', { name: '李哪', seenAt: T2 }),
    ],
    field: 'name',
    value: '李哪',
    from: [2, 'recent'],
  },
  // recency and ids
  {
    title: 'same source: the most recent record wins',
    members: [
      person(5, 'grid.visit', { name: '赵六', seenAt: T1 }),
      person(9, 'grid.visit', { name: '赵陆', seenAt: T3 }),
    ],
    field: 'name',
    value: '赵陆',
    from: [9, 'recent'],
  },
  {
    title: 'same source, same time: the lowest source record id',
    members: [person(9, 'grid.visit', { name: '赵陆' }), person(5, 'grid.visit', { name: '赵六' })],
    field: 'name',
    value: '赵六',
    from: [5, 'lowest-id'],
  },
  {
    title: 'timestamps in other ISO forms compare by instant',
    members: [
      person(1, 'grid.visit', { name: '旧', seenAt: '2024-01-01T09:00:00+08:00' }),
      person(2, 'grid.visit', { name: '新', seenAt: '2024-01-01T02:00:00Z' }),
    ],
    field: 'name',
    value: '新',
    from: [2, 'recent'],
  },
  {
    title: 'an unreadable timestamp counts as the oldest',
    members: [
      person(1, 'grid.visit', { name: '甲', seenAt: 'not a date' }),
      person(2, 'grid.visit', { name: '乙', seenAt: T1 }),
    ],
    field: 'name',
    value: '乙',
    from: [2, 'recent'],
  },
  {
    title: 'one record in two roles, same values: a tie, still one answer',
    members: [
      person(4, 'police.rental', { role: 'tenant', name: '钱七' }),
      person(4, 'police.rental', { role: 'owner', name: '钱七' }),
    ],
    field: 'name',
    value: '钱七',
    from: [4, 'tie'],
  },
  // nulls
  {
    title: 'a lone value is taken whatever its source',
    members: [person(1, 'police.hukou'), person(2, 'urban.shopfront', { name: '孙八' })],
    field: 'name',
    value: '孙八',
    from: [2, 'only'],
  },
  {
    title: 'an empty string is no value',
    members: [person(1, 'police.hukou', { name: '' }), person(2, 'grid.visit', { name: '周九' })],
    field: 'name',
    value: '周九',
    from: [2, 'only'],
  },
  {
    title: 'nobody knows: null',
    members: [person(1, 'police.hukou')],
    field: 'ethnicity',
    value: null,
    from: null,
  },
  // validity
  {
    title: 'a valid id from a less trusted source beats an invalid one from the household register',
    members: [
      person(1, 'police.hukou', { idNumber: ID_B, idValid: false }),
      person(2, 'market.entity', { role: 'legal_rep', idNumber: ID_A, idValid: true }),
    ],
    field: 'idNumber',
    value: ID_A,
    from: [2, 'valid'],
  },
  {
    title: 'an unchecked id beats an invalid one',
    members: [
      person(1, 'police.hukou', { idNumber: ID_B, idValid: false }),
      person(2, 'grid.visit', { idNumber: ID_A, idValid: null }),
    ],
    field: 'idNumber',
    value: ID_A,
    from: [2, 'valid'],
  },
  {
    title: 'a valid id beats an unchecked one',
    members: [
      person(1, 'police.hukou', { idNumber: ID_B, idValid: null }),
      person(2, 'grid.visit', { idNumber: ID_A, idValid: true }),
    ],
    field: 'idNumber',
    value: ID_A,
    from: [2, 'valid'],
  },
  {
    title: 'two valid ids: trust',
    members: [
      person(1, 'police.floating', { idNumber: ID_B, idValid: true }),
      person(2, 'police.hukou', { idNumber: ID_A, idValid: true }),
    ],
    field: 'idNumber',
    value: ID_A,
    from: [2, 'trust:police.hukou'],
  },
  {
    title: 'an invalid id is still better than none',
    members: [person(1, 'grid.visit', { idNumber: ID_B, idValid: false }), person(2, 'police.hukou')],
    field: 'idNumber',
    value: ID_B,
    from: [1, 'only'],
  },
  // precision
  {
    title: 'same source: the day beats the month',
    members: [
      person(1, 'grid.visit', { birthDate: '1950-03', birthPrecision: 'month', seenAt: T3 }),
      person(2, 'grid.visit', { birthDate: '1950-03-07', birthPrecision: 'day', seenAt: T1 }),
    ],
    field: 'birthDate',
    value: '1950-03-07',
    from: [2, 'most-precise'],
  },
  {
    title: 'a less trusted day that refines the trusted month is taken',
    members: [
      person(1, 'police.hukou', { birthDate: '1950-03', birthPrecision: 'month' }),
      person(2, 'grid.visit', { birthDate: '1950-03-07', birthPrecision: 'day' }),
    ],
    field: 'birthDate',
    value: '1950-03-07',
    from: [2, 'most-precise'],
  },
  {
    title: 'a less trusted day that contradicts the trusted month is not',
    members: [
      person(1, 'police.hukou', { birthDate: '1950-03', birthPrecision: 'month' }),
      person(2, 'grid.visit', { birthDate: '1950-04-07', birthPrecision: 'day' }),
    ],
    field: 'birthDate',
    value: '1950-03',
    from: [1, 'trust:police.hukou'],
  },
  {
    title: 'a trusted day stays against a less trusted different day',
    members: [
      person(1, 'police.hukou', { birthDate: '1950-03-01', birthPrecision: 'day' }),
      person(2, 'civil.assistance', { birthDate: '1950-03-07', birthPrecision: 'day' }),
    ],
    field: 'birthDate',
    value: '1950-03-01',
    from: [1, 'trust:police.hukou'],
  },
  {
    title: 'year, then month, then day: refined step by step',
    members: [
      person(1, 'police.hukou', { birthDate: '1950', birthPrecision: 'year' }),
      person(2, 'police.floating', { birthDate: '1950-03', birthPrecision: 'month' }),
      person(3, 'grid.visit', { birthDate: '1950-03-07', birthPrecision: 'day' }),
    ],
    field: 'birthDate',
    value: '1950-03-07',
    from: [3, 'most-precise'],
  },
  {
    title: 'two refining days: the more trusted one',
    members: [
      person(1, 'police.hukou', { birthDate: '1950-03', birthPrecision: 'month' }),
      person(2, 'grid.visit', { birthDate: '1950-03-09', birthPrecision: 'day' }),
      person(3, 'civil.assistance', { birthDate: '1950-03-07', birthPrecision: 'day' }),
    ],
    field: 'birthDate',
    value: '1950-03-07',
    from: [3, 'most-precise'],
  },
  {
    title: 'precision read from the value when its column is empty',
    members: [
      person(1, 'grid.visit', { birthDate: '1950-03' }),
      person(2, 'grid.visit', { birthDate: '1950-03-07' }),
    ],
    field: 'birthDate',
    value: '1950-03-07',
    from: [2, 'most-precise'],
  },
  // other single fields
  {
    title: 'hukou address from the hukou address key',
    members: [
      person(1, 'police.floating', { hukouAddressKey: '410102|人民路|5||3|101' }),
      person(2, 'police.hukou', { hukouAddressKey: '320104|贡院街|12|3|2|301' }),
    ],
    field: 'hukouAddress',
    value: '320104|贡院街|12|3|2|301',
    from: [2, 'trust:police.hukou'],
  },
  {
    title: 'grid code: the grid worker first',
    members: [
      person(1, 'police.hukou', { gridCode: 'G01' }),
      person(2, 'grid.visit', { gridCode: 'G02', seenAt: T1 }),
    ],
    field: 'gridCode',
    value: 'G02',
    from: [2, 'trust:grid.visit'],
  },
  {
    title: 'dwelling: the grid worker before the household register',
    members: [
      person(1, 'police.hukou', { houseId: 'H1', seenAt: T3 }),
      person(2, 'grid.visit', { houseId: 'H2' }),
    ],
    field: 'houseId',
    value: 'H2',
    from: [2, 'trust:grid.visit'],
  },
  {
    title: 'dwelling: an owner does not live in what they let',
    members: [
      person(1, 'police.rental', { role: 'owner', houseId: 'H9' }),
      person(2, 'police.hukou', { houseId: 'H1' }),
    ],
    field: 'houseId',
    value: 'H1',
    from: [2, 'only'],
  },
  {
    title: 'dwelling: a tenant does',
    members: [
      person(1, 'police.rental', { role: 'tenant', houseId: 'H9' }),
      person(2, 'police.hukou', { houseId: 'H1' }),
    ],
    field: 'houseId',
    value: 'H9',
    from: [1, 'trust:police.rental'],
  },
  {
    title: 'dwelling: no houseId given by the caller',
    members: [person(1, 'police.hukou', { houseId: undefined })],
    field: 'houseId',
    value: null,
    from: null,
  },
  // category
  {
    title: 'category: any household-register member makes 户籍, even against newer and other claims',
    members: [
      person(1, 'police.floating', { category: '流动', seenAt: T3 }),
      person(2, 'grid.visit', { category: '流动', seenAt: T3 }),
      person(3, 'police.hukou', { category: '户籍', seenAt: T1 }),
    ],
    field: 'category',
    value: '户籍',
    from: [3, 'hukou'],
  },
  {
    title: 'category: a household-register member without the column still makes 户籍',
    members: [person(1, 'police.hukou'), person(2, 'police.floating', { category: '流动' })],
    field: 'category',
    value: '户籍',
    from: [1, 'hukou'],
  },
  {
    title: 'category: without the household register, by trust',
    members: [
      person(1, 'grid.visit', { category: '境外', seenAt: T3 }),
      person(2, 'police.floating', { category: '流动' }),
    ],
    field: 'category',
    value: '流动',
    from: [2, 'trust:police.floating'],
  },
  {
    title: 'category: nobody says',
    members: [person(1, 'civil.assistance')],
    field: 'category',
    value: null,
    from: null,
  },
  // unions
  {
    title: 'phones: union, grid worker first, deduplicated, first contributor recorded',
    members: [
      person(1, 'police.hukou', { phones: ['13800000001', '02584561234'] }),
      person(2, 'grid.visit', { phones: ['13900000002', '13800000001'] }),
      person(3, 'police.floating', { phones: ['13700000003'] }),
    ],
    field: 'phones',
    value: ['13900000002', '13800000001', '13700000003', '02584561234'],
    from: [2, 'union'],
  },
  {
    title: 'phones: same source, the most recent first',
    members: [
      person(1, 'grid.visit', { phones: ['13800000001'], seenAt: T1 }),
      person(2, 'grid.visit', { phones: ['13900000002'], seenAt: T2 }),
    ],
    field: 'phones',
    value: ['13900000002', '13800000001'],
    from: [2, 'union'],
  },
  {
    title: 'phones: empty strings and empty lists contribute nothing',
    members: [
      person(1, 'grid.visit', { phones: [''] }),
      person(2, 'police.hukou', { phones: [] }),
      person(3, 'police.rental', { phones: ['13800000001'] }),
    ],
    field: 'phones',
    value: ['13800000001'],
    from: [3, 'union'],
  },
  { title: 'phones: none', members: [person(1, 'police.hukou')], field: 'phones', value: [], from: null },
  {
    title: 'assistance: civil affairs first, then the rest',
    members: [
      person(1, 'grid.visit', { assistance: ['残疾'] }),
      person(2, 'civil.assistance', { assistance: ['低保', '残疾'] }),
    ],
    field: 'assistance',
    value: ['低保', '残疾'],
    from: [2, 'union'],
  },
]

describe('person survivorship', () => {
  test.each(cases)('$title', ({ members, field, value, from }) => {
    const golden = shipped.person(members)
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

  test('no members: every field empty, no provenance', () => {
    expect(shipped.person([])).toEqual({
      idNumber: null,
      name: null,
      gender: null,
      birthDate: null,
      ethnicity: null,
      phones: [],
      hukouAddress: null,
      category: null,
      assistance: [],
      houseId: null,
      gridCode: null,
      provenance: {},
    })
  })

  test('members with nothing filled: the same', () => {
    const golden = shipped.person([
      person(1, 'grid.visit'),
      person(2, 'urban.shopfront', { role: 'operator' }),
    ])
    expect(golden).toEqual(shipped.person([]))
  })

  test('a whole record: every field from where it belongs', () => {
    const golden = shipped.person([
      person(11, 'police.hukou', {
        seenAt: T1,
        name: '张伟',
        idNumber: ID_A,
        idValid: true,
        gender: 'M',
        birthDate: '1990-01-01',
        birthPrecision: 'day',
        ethnicity: '汉族',
        phones: ['13800000001'],
        hukouAddressKey: '320104|贡院街|12|3|2|301',
        category: '户籍',
        houseId: 'H1',
      }),
      person(12, 'civil.assistance', {
        seenAt: T2,
        name: '张伟',
        idNumber: ID_A,
        idValid: true,
        assistance: ['低保'],
        phones: ['13800000001'],
        houseId: 'H1',
      }),
      person(13, 'grid.visit', {
        seenAt: T3,
        name: '张 伟',
        phones: ['13900000002'],
        category: '流动',
        gridCode: 'G07',
        houseId: 'H2',
      }),
    ])
    expect(golden).toMatchObject({
      idNumber: ID_A,
      name: '张伟',
      gender: 'M',
      birthDate: '1990-01-01',
      ethnicity: '汉族',
      phones: ['13900000002', '13800000001'],
      hukouAddress: '320104|贡院街|12|3|2|301',
      category: '户籍',
      assistance: ['低保'],
      houseId: 'H2',
      gridCode: 'G07',
    })
    expect(
      Object.fromEntries(Object.entries(golden.provenance).map(([k, v]) => [k, [v.sourceRecordId, v.rule]])),
    ).toEqual({
      idNumber: [11, 'trust:police.hukou'],
      name: [11, 'trust:police.hukou'],
      gender: [11, 'only'],
      birthDate: [11, 'only'],
      ethnicity: [11, 'only'],
      phones: [13, 'union'],
      hukouAddress: [11, 'only'],
      category: [11, 'hukou'],
      assistance: [12, 'union'],
      houseId: [13, 'trust:grid.visit'],
      gridCode: [13, 'only'],
    })
  })

  test('the members and their arrays are left as they were', () => {
    const members = [
      person(2, 'grid.visit', { phones: ['13900000002'] }),
      person(1, 'police.hukou', { phones: ['13800000001'] }),
    ]
    const before = structuredClone(members)
    const golden = shipped.person(members)
    expect(members).toEqual(before)
    golden.phones.push('x')
    expect(members).toEqual(before)
  })
})
