import { describe, expect, test } from 'vitest'
import type { sourceHouses, sourcePersons, sourceUnits } from '../../../src/db/schema/mentions.ts'
import type { HouseMember, PersonMember, UnitMember } from '../../../src/match/survivorship/index.ts'
import { loadSurvivorship } from '../../../src/match/survivorship/index.ts'
import { house, person, pickOne, rng, shipped, shuffle, unit } from './members.ts'

/*
 * The same members in any order give the same golden record, provenance and array order included.
 * Members are drawn from small pools so that ties on trust, time, id and value are frequent.
 */

const SOURCES = [
  'police.hukou',
  'police.floating',
  'police.rental',
  'civil.assistance',
  'civil.socialorg',
  'market.entity',
  'urban.shopfront',
  'grid.visit',
  'acme.unlisted',
]
const TIMES = ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-02-01T00:00:00Z', 'garbage']
const ROLES = ['person', 'tenant', 'owner', 'legal_rep']

const maybe = <T>(random: () => number, values: readonly T[]): T | null =>
  random() < 0.35 ? null : pickOne(values, random)
const some = (random: () => number, values: readonly string[]): string[] =>
  values.filter(() => random() < 0.3)

const randomPersons = (random: () => number): PersonMember[] => {
  const n = 1 + Math.floor(random() * 12)
  return Array.from({ length: n }, () => {
    const birthDate = maybe(random, ['1950', '1950-03', '1950-03-07', '1950-03-09', '1951-01'])
    return person(1 + Math.floor(random() * 5), pickOne(SOURCES, random), {
      role: pickOne(ROLES, random),
      seenAt: pickOne(TIMES, random),
      name: maybe(random, ['张伟', '张玮', '张 伟']),
      idNumber: maybe(random, ['11010119900101001X', '110101199001010029']),
      idValid: maybe(random, [true, false]),
      gender: maybe(random, ['M', 'F']),
      birthDate,
      birthPrecision: birthDate && random() < 0.5 ? null : maybe(random, ['day', 'month', 'year']),
      ethnicity: maybe(random, ['汉族', '回族']),
      phones: some(random, ['13800000001', '13900000002', '02584561234']),
      hukouAddressKey: maybe(random, ['320104|a|1||1', '320104|b|2||2']),
      category: maybe(random, ['户籍', '流动', '境外']),
      assistance: some(random, ['低保', '特困', '残疾']),
      gridCode: maybe(random, ['G1', 'G2']),
      houseId: maybe(random, ['H1', 'H2']),
    })
  })
}

const randomHouses = (random: () => number): HouseMember[] => {
  const n = 1 + Math.floor(random() * 12)
  return Array.from({ length: n }, () =>
    house(1 + Math.floor(random() * 5), pickOne(SOURCES, random), {
      seenAt: pickOne(TIMES, random),
      key: maybe(random, ['k|1', 'k|2']),
      depth: maybe(random, ['room', 'building']),
      addressRaw: maybe(random, ['甲', '乙']),
      road: maybe(random, ['贡院街', '中山路']),
      usage: maybe(random, ['自住', '出租', '经营']),
      gridCode: maybe(random, ['G1', 'G2']),
      lng: maybe(random, [118.7, 118.8]),
      lat: maybe(random, [32.0, 32.1]),
      ownerPersonId: maybe(random, ['P1', 'P2']),
    }),
  )
}

const randomUnits = (random: () => number): UnitMember[] => {
  const n = 1 + Math.floor(random() * 12)
  return Array.from({ length: n }, () =>
    unit(1 + Math.floor(random() * 5), pickOne(SOURCES, random), {
      seenAt: pickOne(TIMES, random),
      creditCode: maybe(random, ['91320104MA1XXXXX0A', '92320104MA1YYYYY0B']),
      creditValid: maybe(random, [true, false]),
      name: maybe(random, ['某公司', '某某公司']),
      signName: maybe(random, ['老王面馆', '王记面馆']),
      kind: maybe(random, ['企业', '个体工商户']),
      status: maybe(random, ['存续', '注销', '在业']),
      industry: maybe(random, ['餐饮', '零售']),
      houseId: maybe(random, ['H1', 'H2']),
      legalRepPersonId: maybe(random, ['P1', 'P2']),
      gridCode: maybe(random, ['G1', 'G2']),
    }),
  )
}

describe('determinism: shuffled members, identical output', () => {
  test.each([
    ['person', randomPersons, (m: never[]) => shipped.person(m)],
    ['house', randomHouses, (m: never[]) => shipped.house(m)],
    ['unit', randomUnits, (m: never[]) => shipped.unit(m)],
  ] as const)('%s', (_entity, generate, survive) => {
    const random = rng(20240601)
    for (let round = 0; round < 300; round++) {
      const members = generate(random) as never[]
      const expected = JSON.stringify(survive(members))
      for (let k = 0; k < 8; k++) expect(JSON.stringify(survive(shuffle(members, random)))).toBe(expected)
    }
  })

  test('one instance, many calls: a large record leaves nothing behind for a small one', () => {
    const random = rng(7)
    const fresh = loadSurvivorship()
    const big = Array.from({ length: 40 }, () => randomPersons(random)).flat()
    const small = randomPersons(random)
    shipped.person(big)
    expect(shipped.person(small)).toEqual(fresh.person(small))
    shipped.house(randomHouses(random).concat(randomHouses(random), randomHouses(random)))
    const h = randomHouses(random)
    expect(shipped.house(h)).toEqual(fresh.house(h))
  })
})

describe('members are the mention rows', () => {
  // Compile-time: a row of source_persons / source_houses / source_units plus what the caller adds is a member.
  test('rows of the mention tables fit', () => {
    const personRow: typeof sourcePersons.$inferSelect = {
      sourceRecordId: 1,
      source: 'police.hukou',
      recordId: 'R1',
      role: 'person',
      name: '张伟',
      namePinyin: 'zhangwei',
      idNumber: null,
      idValid: null,
      otherDocument: null,
      gender: 'M',
      birthDate: '1950-03',
      birthPrecision: 'month',
      ethnicity: null,
      phones: [],
      addressKey: null,
      addressBuildingKey: null,
      addressUnit: null,
      addressDivision: null,
      hukouAddressKey: null,
      hukouDivision: null,
      category: '户籍',
      assistance: [],
      householdNo: null,
      relationToHead: null,
      gridCode: null,
      employerName: null,
    }
    const houseRow: typeof sourceHouses.$inferSelect = {
      ...house(2, 'police.rental', { key: 'k|1' }),
      recordId: 'R2',
    }
    const unitRow: typeof sourceUnits.$inferSelect = {
      ...unit(3, 'market.entity', { name: '某公司' }),
      phones: [],
      recordId: 'R3',
    }
    const p: PersonMember = { ...personRow, seenAt: '2024-01-01T00:00:00.000Z', houseId: 'H1' }
    const h: HouseMember = { ...houseRow, seenAt: '2024-01-01T00:00:00.000Z' }
    const u: UnitMember = { ...unitRow, seenAt: '2024-01-01T00:00:00.000Z', houseId: null }
    expect(shipped.person([p]).birthDate).toBe('1950-03')
    expect(shipped.house([h]).key).toBe('k|1')
    expect(shipped.unit([u]).name).toBe('某公司')
  })
})
