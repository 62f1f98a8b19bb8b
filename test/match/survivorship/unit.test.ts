import { describe, expect, test } from 'vitest'
import type { GoldenUnit, UnitMember } from '../../../src/match/survivorship/index.ts'
import { shipped, T1, T2, T3, unit } from './members.ts'

// Made-up credit codes.
const CODE_A = '91320104MA1XXXXX0A'
const CODE_B = '92320104MA1YYYYY0B'

type Field = Exclude<keyof GoldenUnit, 'provenance'>

interface Case {
  title: string
  members: UnitMember[]
  field: Field
  value: GoldenUnit[Field]
  from: [number, string] | null
}

const cases: Case[] = [
  {
    title: 'credit code: the registry first',
    members: [
      unit(1, 'urban.shopfront', { creditCode: CODE_B, creditValid: true }),
      unit(2, 'market.entity', { creditCode: CODE_A, creditValid: true }),
    ],
    field: 'creditCode',
    value: CODE_A,
    from: [2, 'trust:market.entity'],
  },
  {
    title: 'credit code: a valid one beats the registry’s invalid one',
    members: [
      unit(1, 'urban.shopfront', { creditCode: CODE_B, creditValid: true }),
      unit(2, 'market.entity', { creditCode: CODE_A, creditValid: false }),
    ],
    field: 'creditCode',
    value: CODE_B,
    from: [1, 'valid'],
  },
  {
    title: 'name: the registered name over what a worker wrote down',
    members: [
      unit(1, 'police.floating', { role: 'employer', name: '某某餐饮', seenAt: T3 }),
      unit(2, 'market.entity', { name: '南京某某餐饮管理有限公司' }),
    ],
    field: 'name',
    value: '南京某某餐饮管理有限公司',
    from: [2, 'trust:market.entity'],
  },
  {
    title: 'kind: from the social-organisation register',
    members: [unit(1, 'civil.socialorg', { kind: '社会组织' })],
    field: 'kind',
    value: '社会组织',
    from: [1, 'only'],
  },
  {
    title: 'sign names: union, the shopfront patrol first, deduplicated',
    members: [
      unit(1, 'market.entity', { signName: '老王面馆' }),
      unit(2, 'urban.shopfront', { signName: '王记面馆', seenAt: T1 }),
      unit(3, 'urban.shopfront', { signName: '老王面馆', seenAt: T2 }),
    ],
    field: 'signNames',
    value: ['老王面馆', '王记面馆'],
    from: [3, 'union'],
  },
  {
    title: 'sign names: none',
    members: [unit(1, 'market.entity', { name: '某公司' })],
    field: 'signNames',
    value: [],
    from: null,
  },
  {
    title: 'industry: the shopfront patrol first',
    members: [
      unit(1, 'market.entity', { industry: '批发和零售业' }),
      unit(2, 'urban.shopfront', { industry: '餐饮' }),
    ],
    field: 'industry',
    value: '餐饮',
    from: [2, 'trust:urban.shopfront'],
  },
  {
    title: 'premises: where the patrol found it',
    members: [unit(1, 'market.entity', { houseId: 'H1' }), unit(2, 'urban.shopfront', { houseId: 'H2' })],
    field: 'houseId',
    value: 'H2',
    from: [2, 'trust:urban.shopfront'],
  },
  {
    title: 'legal representative: the registry’s',
    members: [
      unit(1, 'urban.shopfront', { legalRepPersonId: 'P2' }),
      unit(2, 'market.entity', { legalRepPersonId: 'P1' }),
    ],
    field: 'legalRepPersonId',
    value: 'P1',
    from: [2, 'trust:market.entity'],
  },
  {
    title: 'grid code: the grid worker first, when the caller gives it',
    members: [unit(1, 'market.entity', { gridCode: 'G01' }), unit(2, 'grid.visit', { gridCode: 'G02' })],
    field: 'gridCode',
    value: 'G02',
    from: [2, 'trust:grid.visit'],
  },
  // status
  {
    title: 'status: the registry’s latest, over a newer patrol',
    members: [
      unit(1, 'market.entity', { status: '在业', seenAt: T1 }),
      unit(2, 'market.entity', { status: '存续', seenAt: T2 }),
      unit(3, 'urban.shopfront', { status: '歇业', seenAt: T3 }),
    ],
    field: 'status',
    value: '存续',
    from: [2, 'registry-latest'],
  },
  {
    title: 'status: recency before trust between the registries',
    members: [
      unit(1, 'market.entity', { status: '存续', seenAt: T1 }),
      unit(2, 'civil.socialorg', { status: '正常', seenAt: T2 }),
    ],
    field: 'status',
    value: '正常',
    from: [2, 'registry-latest'],
  },
  {
    title: 'status: a deregistered unit keeps 注销 against a later 存续',
    members: [
      unit(1, 'market.entity', { status: '注销', seenAt: T1 }),
      unit(2, 'market.entity', { status: '存续', seenAt: T3 }),
    ],
    field: 'status',
    value: '注销',
    from: [1, 'registry-terminal'],
  },
  {
    title: 'status: a lone registry record',
    members: [unit(1, 'civil.socialorg', { status: '正常' })],
    field: 'status',
    value: '正常',
    from: [1, 'registry-latest'],
  },
  {
    title: 'status: without a registry, by trust',
    members: [
      unit(1, 'police.floating', { status: '营业', seenAt: T3 }),
      unit(2, 'urban.shopfront', { status: '歇业', seenAt: T1 }),
    ],
    field: 'status',
    value: '歇业',
    from: [2, 'trust:urban.shopfront'],
  },
  {
    title: 'status: a registry record without status does not count',
    members: [unit(1, 'market.entity'), unit(2, 'urban.shopfront', { status: '歇业' })],
    field: 'status',
    value: '歇业',
    from: [2, 'only'],
  },
]

describe('unit survivorship', () => {
  test.each(cases)('$title', ({ members, field, value, from }) => {
    const golden = shipped.unit(members)
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

  test('no members: every field empty', () => {
    expect(shipped.unit([])).toEqual({
      creditCode: null,
      name: null,
      signNames: [],
      kind: null,
      status: null,
      legalRepPersonId: null,
      houseId: null,
      industry: null,
      gridCode: null,
      provenance: {},
    })
  })

  test('members without the optional caller columns', () => {
    const m = unit(1, 'market.entity', { name: '某公司' })
    delete m.houseId
    delete m.legalRepPersonId
    delete m.gridCode
    expect(shipped.unit([m])).toMatchObject({
      name: '某公司',
      houseId: null,
      legalRepPersonId: null,
      gridCode: null,
    })
  })
})
