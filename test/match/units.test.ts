import { describe, expect, it } from 'vitest'
import { keysOf } from '../../src/match/blocking.ts'
import { Clusters } from '../../src/match/cluster.ts'
import { Linker, RULE_APART, RULE_LINK } from '../../src/match/linker.ts'
import type { EntitySettings } from '../../src/match/settings.ts'
import {
  attachByUniqueName,
  coreName,
  UNIT_COMPARISONS,
  UNIT_RULES,
  type UnitRecord,
  unitAnchor,
  unitSpec,
} from '../../src/match/units.ts'
import { unit } from './factories.ts'

const CODE_A = '91320104MA1XXXXX0A'
const CODE_B = '91320104MA1YYYYY0B'

const comparison = (name: string) => {
  const c = UNIT_COMPARISONS.find((x) => x.name === name)
  if (!c) throw new Error(`no comparison ${name}`)
  return c
}

/** The level's label for a pair, both ways round (every comparison is symmetric). */
const levelName = (name: string, a: UnitRecord, b: UnitRecord): string => {
  const c = comparison(name)
  const ab = c.levels[c.level(a, b)]
  expect(c.levels[c.level(b, a)]).toBe(ab)
  return ab as string
}

describe('coreName', () => {
  it.each([
    ['南京市秦淮区旺天家政服务经营部', '旺天家政服务经营部'],
    ['南京旺明建筑装饰工程有限公司', '旺明建筑装饰工程有限公司'],
    ['市秦淮区和隆建筑装饰工程经营部', '和隆建筑装饰工程经营部'], // 南京 cut off, 市 left orphaned
    ['江苏省南京市秦淮区某某商店', '某某商店'], // at most three divisions: province, city, district
    ['江苏南京秦淮旺天家政服务部', '旺天家政服务部'], // short forms
    ['南京秦淮区旺天家政服务经营部', '旺天家政服务经营部'],
    ['苏州市吴中区和隆建筑装饰工程经营部', '和隆建筑装饰工程经营部'],
    ['旺天家政服务经营部', '旺天家政服务经营部'], // nothing in front
    ['南京市秦淮区某店', '某店'], // two characters left is enough
    ['区旺天家政服务部', '区旺天家政服务部'], // an orphan 区 with no division after it stays
    // a name that is only a division stays: nothing would be left
    ['南京市', '南京市'],
    ['秦淮区', '秦淮区'],
    ['南京市秦淮区', '秦淮区'],
    ['', ''],
  ])('%s → %s', (name, core) => {
    expect(coreName(name)).toBe(core)
  })

  it('passes null through', () => {
    expect(coreName(null)).toBeNull()
  })
})

describe('UNIT_COMPARISONS', () => {
  it('are credit code, name, premises, phone, operator, with the name tf at its exact level', () => {
    expect(UNIT_COMPARISONS.map((c) => [c.name, c.levels.length, c.tf?.level ?? null])).toEqual([
      ['credit code', 3, null],
      ['name', 5, 1],
      ['premises', 4, null],
      ['phone', 3, null],
      ['operator', 3, null],
    ])
    for (const c of UNIT_COMPARISONS) expect(c.levels[0]).toBe('null')
    const tf = comparison('name').tf
    expect(tf?.value(unit({ name: '南京市秦淮区旺天家政服务经营部' }))).toBe('旺天家政服务经营部')
    expect(tf?.value(unit({ signName: '旺天家政' }))).toBeNull()
  })

  it.each([
    ['both missing', {}, {}, 'null'],
    ['one missing', { creditCode: CODE_A }, {}, 'null'],
    ['same code', { creditCode: CODE_A }, { creditCode: CODE_A }, 'exact'],
    ['different codes', { creditCode: CODE_A }, { creditCode: CODE_B }, 'different'],
    ['same old registration number', { regNo: '320104000012345' }, { regNo: '320104000012345' }, 'exact'],
    ['code against registration number', { creditCode: CODE_A }, { regNo: '320104000012345' }, 'different'],
    [
      'the code wins over the number',
      { creditCode: CODE_A, regNo: '1' },
      { creditCode: CODE_A, regNo: '2' },
      'exact',
    ],
  ] as const)('credit code: %s → %s', (_, a, b, level) => {
    expect(levelName('credit code', unit(a), unit(b))).toBe(level)
  })

  it.each([
    ['no names either side', {}, {}, 'null'],
    ['no name on one side', { name: '旺天家政服务经营部' }, {}, 'null'],
    [
      'same core, different prefix',
      { name: '南京市秦淮区旺天家政服务经营部' },
      { name: '旺天家政服务经营部' },
      'same registered name',
    ],
    ['same sign', { signName: '旺天家政' }, { signName: '旺天家政' }, 'same sign'],
    [
      'a sign against a registered name',
      { signName: '旺天家政服务经营部' },
      { name: '南京旺天家政服务经营部' },
      'same sign',
    ],
    [
      'one name contains the other',
      { name: '旺天家政服务经营部' },
      { signName: '旺天家政' },
      'one contains the other',
    ],
    [
      'containment of a short name does not count',
      { name: '旺天家政服务经营部' },
      { signName: '旺天' },
      'different',
    ],
    ['different', { name: '旺天家政服务经营部' }, { name: '和隆建筑装饰工程经营部' }, 'different'],
    [
      'different names, same sign',
      { name: '甲乙丙丁商贸有限公司', signName: '好再来' },
      { name: '戊己庚辛餐饮店', signName: '好再来' },
      'same sign',
    ],
  ] as const)('name: %s → %s', (_, a, b, level) => {
    expect(levelName('name', unit(a), unit(b))).toBe(level)
  })

  const B3 = '320104|常府街|8|3'
  it.each([
    ['missing', { premises: `${B3}|301`, building: B3 }, {}, 'null'],
    [
      'same premises',
      { premises: `${B3}|301`, building: B3 },
      { premises: `${B3}|301`, building: B3 },
      'same premises',
    ],
    [
      'same building',
      { premises: `${B3}|301`, building: B3 },
      { premises: `${B3}|302`, building: B3 },
      'same building',
    ],
    [
      'different',
      { premises: `${B3}|301`, building: B3 },
      { premises: '320104|常府街|9|1|101', building: '320104|常府街|9|1' },
      'different',
    ],
    [
      'different, no buildings',
      { premises: '320104|常府街|8||' },
      { premises: '320104|常府街|9||' },
      'different',
    ],
  ] as const)('premises: %s → %s', (_, a, b, level) => {
    expect(levelName('premises', unit(a), unit(b))).toBe(level)
  })

  it.each([
    ['none', [], ['13812345678'], 'null'],
    ['shared', ['02584561234', '13812345678'], ['13812345678'], 'shared'],
    ['different', ['13812345678'], ['13900000000'], 'different'],
  ] as const)('phone: %s → %s', (_, a, b, level) => {
    expect(levelName('phone', unit({ phones: [...a] }), unit({ phones: [...b] }))).toBe(level)
  })

  it.each([
    ['none', [], ['王伟'], 'null'],
    ['same name', ['王伟', '李娜'], ['李娜'], 'same name'],
    ['different', ['王伟'], ['王玮'], 'different'],
  ] as const)('operator: %s → %s', (_, a, b, level) => {
    expect(levelName('operator', unit({ people: [...a] }), unit({ people: [...b] }))).toBe(level)
  })
})

describe('UNIT_RULES', () => {
  const [codeRule, nameRule] = UNIT_RULES
  it('are the credit code rule, then the registered name rule', () => {
    expect(UNIT_RULES.map((r) => r.name)).toEqual(['same credit code', 'same registered name'])
  })

  it.each([
    [
      'two valid, same',
      { creditCode: CODE_A, creditValid: true },
      { creditCode: CODE_A, creditValid: true },
      'link',
    ],
    [
      'two valid, different',
      { creditCode: CODE_A, creditValid: true },
      { creditCode: CODE_B, creditValid: true },
      'apart',
    ],
    [
      'one invalid, same',
      { creditCode: CODE_A, creditValid: false },
      { creditCode: CODE_A, creditValid: true },
      null,
    ],
    [
      'one invalid, different',
      { creditCode: CODE_A, creditValid: true },
      { creditCode: CODE_B, creditValid: false },
      null,
    ],
    ['one unknown', { creditCode: CODE_A, creditValid: true }, { creditCode: null, creditValid: null }, null],
  ] as const)('same credit code: %s → %s', (_, a, b, d) => {
    expect(codeRule?.judge(unit(a), unit(b))).toBe(d)
    expect(codeRule?.judge(unit(b), unit(a))).toBe(d)
  })

  it.each([
    ['core name, one without prefix', '南京市秦淮区旺天家政服务经营部', '旺天家政服务经营部', 'link'],
    ['city against city and district', '南京旺天家政服务经营部', '南京市秦淮区旺天家政服务经营部', 'link'],
    ['same prefix', '南京市秦淮区旺天家政服务经营部', '南京市秦淮区旺天家政服务经营部', 'link'],
    ['a city with and without 市', '南京市旺天家政服务经营部', '南京旺天家政服务经营部', 'link'],
    ['another city', '苏州旺天家政服务经营部', '南京旺天家政服务经营部', null],
    [
      'another city and district',
      '苏州市吴中区和隆建筑装饰工程经营部',
      '南京市秦淮区和隆建筑装饰工程经营部',
      null,
    ],
    [
      'another district of one city',
      '南京市玄武区旺天家政服务经营部',
      '南京市秦淮区旺天家政服务经营部',
      null,
    ],
    ['different core names', '南京市秦淮区旺天家政服务经营部', '南京市秦淮区旺明家政服务经营部', null],
  ] as const)('same registered name: %s → %s', (_, a, b, d) => {
    expect(nameRule?.judge(unit({ name: a }), unit({ name: b }))).toBe(d)
    expect(nameRule?.judge(unit({ name: b }), unit({ name: a }))).toBe(d)
  })

  it('the registered name rule needs registered names, not signs', () => {
    expect(nameRule?.judge(unit({ signName: '旺天家政' }), unit({ signName: '旺天家政' }))).toBeNull()
    expect(nameRule?.judge(unit(), unit())).toBeNull()
  })

  // one place written two ways (南京秦淮区 / 南京市秦淮区, 秦淮区 / 南京市秦淮区) is one place
  it.each([
    ['南京秦淮区旺天家政服务经营部', '南京市秦淮区旺天家政服务经营部'],
    ['秦淮区旺天家政服务经营部', '南京市秦淮区旺天家政服务经营部'],
  ])('same registered name: %s and %s are one place', (a, b) => {
    expect(nameRule?.judge(unit({ name: a }), unit({ name: b }))).toBe('link')
  })

  it('a different valid credit code keeps two units of one name apart (the code rule comes first)', () => {
    const linker = new Linker(unitSpec(SETTINGS))
    const a = unit({ name: '南京市秦淮区旺天家政服务经营部', creditCode: CODE_A, creditValid: true })
    const b = unit({ name: '旺天家政服务经营部', creditCode: CODE_B, creditValid: true })
    expect(linker.judge(a, b)).toEqual({ decision: RULE_APART, rule: 0 })
    expect(linker.judge(a, { ...b, creditValid: false })).toEqual({ decision: RULE_LINK, rule: 1 })
    expect(linker.judge(a, unit({ name: '和隆建筑装饰工程经营部' }))).toEqual({ decision: 0, rule: -1 })
  })
})

const SETTINGS: EntitySettings = {
  thresholds: { link: 0.99, review: 0.9 },
  maxBlockSize: 200,
  blocking: [['creditCode'], ['anyName'], ['premises'], ['phone'], ['coreName', 'phone'], ['signName']],
  training: { randomPairs: 1000, emIterations: 10, seed: 1, tfMinCount: 3 },
}

describe('unitSpec', () => {
  const spec = unitSpec(SETTINGS)

  it('names its blocking rules after their features', () => {
    expect(spec.entityType).toBe('unit')
    expect(spec.blocking.map((r) => r.name)).toEqual([
      'creditCode',
      'anyName',
      'premises',
      'phone',
      'coreName+phone',
      'signName',
    ])
    expect(spec.comparisons).toBe(UNIT_COMPARISONS)
    expect(spec.rules).toBe(UNIT_RULES)
    expect(spec.startM.map((r) => r.length)).toEqual(UNIT_COMPARISONS.map((c) => c.levels.length))
  })

  it.each([
    ['creditCode', {}, []],
    ['creditCode', { creditCode: CODE_A, regNo: '320104000012345' }, [`\u0001${CODE_A}`]],
    ['creditCode', { regNo: '320104000012345' }, ['\u0001320104000012345']],
    ['anyName', {}, []],
    [
      'anyName',
      { name: '南京市秦淮区旺天家政服务经营部', signName: '旺天家政' },
      ['\u0001旺天家政服务经营部', '\u0001旺天家政'],
    ],
    ['anyName', { name: '旺天家政服务经营部', signName: '旺天家政服务经营部' }, ['\u0001旺天家政服务经营部']],
    ['anyName', { signName: '旺天家政' }, ['\u0001旺天家政']],
    ['premises', { premises: '320104|常府街|8|3|301' }, ['\u0001320104|常府街|8|3|301']],
    ['phone', { phones: ['13812345678', '02584561234'] }, ['\u000113812345678', '\u000102584561234']],
    ['phone', { phones: [] }, []],
    [
      'coreName+phone',
      { name: '旺天家政服务经营部', phones: ['13812345678', '02584561234'] },
      ['\u0001旺天家政服务经营部\u000113812345678', '\u0001旺天家政服务经营部\u000102584561234'],
    ],
    ['coreName+phone', { name: '旺天家政服务经营部' }, []],
    ['signName', { name: '旺天家政服务经营部' }, []],
  ] as const)('%s keys of %j', (rule, fields, keys) => {
    const r = spec.blocking.find((b) => b.name === rule)
    expect(r).toBeDefined()
    expect(keysOf(unit(fields as Partial<UnitRecord>), r as NonNullable<typeof r>)).toEqual(keys)
  })
})

describe('unitAnchor', () => {
  it.each([
    [{ creditCode: CODE_A, creditValid: true }, CODE_A],
    [{ creditCode: CODE_A, creditValid: false }, null],
    [{ creditCode: CODE_A, creditValid: null }, null],
    [{ regNo: '320104000012345' }, null],
  ] as const)('%j → %s', (fields, anchor) => {
    expect(unitAnchor(unit(fields))).toBe(anchor)
  })
})

describe('attachByUniqueName', () => {
  const employer = (name: string | null, fields: Partial<UnitRecord> = {}) =>
    unit({ name, role: 'employer', ...fields })

  const run = (records: UnitRecord[], links: [number, number][] = []) => {
    const c = new Clusters(records.length, (i) => unitAnchor(records[i] as UnitRecord))
    for (const [a, b] of links) c.union(a, b)
    const joined = attachByUniqueName(
      records,
      (i) => c.find(i),
      (a, b) => c.union(a, b),
    )
    return { joined, same: (a: number, b: number) => c.find(a) === c.find(b), c }
  }

  it('joins an employer mention to the one cluster answering to its name or sign', () => {
    const records = [
      unit({ name: '南京市秦淮区旺天家政服务经营部' }), // 0
      unit({ signName: '旺天家政', role: 'shop' }), // 1, one cluster with 0
      employer('旺天家政服务经营部'), // 2: the registered core name
      employer('南京旺天家政服务经营部'), // 3: written with its city
      employer('旺天家政'), // 4: the sign
    ]
    const { joined, same } = run(records, [[0, 1]])
    expect(joined).toEqual([2, 3, 4])
    for (const i of [1, 2, 3, 4]) expect(same(0, i)).toBe(true)
  })

  it('leaves alone a name two clusters answer to', () => {
    const records = [
      unit({ name: '和隆建筑装饰工程经营部' }),
      unit({ name: '南京市秦淮区和隆建筑装饰工程经营部', creditCode: CODE_B, creditValid: true }),
      employer('和隆建筑装饰工程经营部'),
    ]
    const { joined, same } = run(records)
    expect(joined).toEqual([])
    expect(same(2, 0) || same(2, 1)).toBe(false)
  })

  it('counts one cluster once, however many of its records answer to the name', () => {
    const records = [
      unit({ name: '旺天家政服务经营部' }),
      unit({ name: '旺天家政服务经营部' }),
      employer('旺天家政服务经营部'),
    ]
    expect(run(records, [[0, 1]]).joined).toEqual([2])
  })

  it('does not let employer mentions answer for each other, nor join an unknown name', () => {
    const records = [
      employer('旺天家政服务经营部'),
      employer('旺天家政服务经营部'),
      employer('无名商店'),
      employer(null),
    ]
    const { joined, same } = run(records)
    expect(joined).toEqual([])
    expect(same(0, 1)).toBe(false)
  })

  it('skips a mention already in the cluster, and one the guarded union refuses', () => {
    const records = [
      unit({ name: '旺天家政服务经营部', creditCode: CODE_A, creditValid: true }),
      employer('旺天家政服务经营部'), // already linked to 0
      employer('旺天家政服务经营部', { creditCode: CODE_B, creditValid: true }), // another valid code
      employer('旺天家政服务经营部'),
    ]
    const { joined, same } = run(records, [[0, 1]])
    expect(joined).toEqual([3])
    expect(same(0, 2)).toBe(false)
    expect(same(0, 3)).toBe(true)
  })
})
