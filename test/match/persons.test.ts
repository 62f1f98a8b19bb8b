import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { candidatePairs, keysOf, pairLeft, pairRight } from '../../src/match/blocking.ts'
import { Linker, RULE_APART, RULE_LINK } from '../../src/match/linker.ts'
import {
  PERSON_COMPARISONS,
  PERSON_RULES,
  personAnchor,
  type PersonRecord,
  personSpec,
} from '../../src/match/persons.ts'
import { DEFAULT_SETTINGS_FILE, type EntitySettings, parseSettings } from '../../src/match/settings.ts'
import { person } from './factories.ts'

const ID = '320102199001011234'
const ID_X = '32010219900101123X' // same first 17: the check digit differs
const ID_TYPO = '320102199001021234' // one digit off in the birth date
const ID_OTHER = '320102198502023456'

type P = Partial<PersonRecord>

const levelName = (name: string, a: P, b: P): string => {
  const c = PERSON_COMPARISONS.find((x) => x.name === name)
  if (!c) throw new Error(`no comparison ${name}`)
  const ab = c.levels[c.level(person(a), person(b))]
  expect(c.levels[c.level(person(b), person(a))], 'symmetric').toBe(ab)
  return ab as string
}

describe('PERSON_COMPARISONS', () => {
  it('are id, name, birth, gender, phone, dwelling, context; the name tf at its exact level', () => {
    expect(PERSON_COMPARISONS.map((c) => [c.name, c.levels, c.tf?.level ?? null])).toEqual([
      ['id', ['null', 'exact', 'check digit', 'one typo', 'different'], null],
      ['name', ['null', 'exact', 'same pinyin', 'one character', 'different'], 1],
      [
        'birth',
        ['null', 'exact', 'agree at coarser precision', 'same month', 'same year', 'different'],
        null,
      ],
      ['gender', ['null', 'same', 'different'], null],
      ['phone', ['null', 'shared mobile', 'shared landline', 'different'], null],
      ['dwelling', ['null', 'same dwelling', 'same building', 'different'], null],
      ['context', ['null', 'same owned house or unit', 'different'], null],
    ])
    const tf = PERSON_COMPARISONS[1]?.tf
    expect(tf?.value(person({ name: '张伟' }))).toBe('张伟')
    expect(tf?.value(person())).toBeNull()
  })

  it.each<[string, P, P, string]>([
    ['same id', { idNumber: ID }, { idNumber: ID }, 'exact'],
    ['check digit', { idNumber: ID }, { idNumber: ID_X }, 'check digit'],
    ['one typo in the first 17', { idNumber: ID }, { idNumber: ID_TYPO }, 'one typo'],
    ['two typos', { idNumber: ID }, { idNumber: '320102199001021235' }, 'different'],
    ['different', { idNumber: ID }, { idNumber: ID_OTHER }, 'different'],
    ['15 against 18 digits', { idNumber: '320102900101123' }, { idNumber: ID }, 'different'],
    ['missing', { idNumber: ID }, {}, 'null'],
    ['both missing', {}, {}, 'null'],
    ['same passport', { otherDocument: 'E12345678' }, { otherDocument: 'E12345678' }, 'exact'],
    ['passport typo', { otherDocument: 'E12345678' }, { otherDocument: 'E12345679' }, 'one typo'],
    ['passport against id', { otherDocument: 'E12345678' }, { idNumber: ID }, 'different'],
    [
      'the resident id before a passport',
      { idNumber: ID, otherDocument: 'E1' },
      { idNumber: ID, otherDocument: 'E2' },
      'exact',
    ],
  ])('id: %s → %s', (_, a, b, level) => {
    expect(levelName('id', a, b)).toBe(level)
  })

  it.each<[string, P, P, string]>([
    ['exact', { name: '张伟' }, { name: '张伟' }, 'exact'],
    [
      'same pinyin',
      { name: '王小明', namePinyin: 'wang xiao ming' },
      { name: '王晓明', namePinyin: 'wang xiao ming' },
      'same pinyin',
    ],
    [
      'one character',
      { name: '王小明', namePinyin: 'wang xiao ming' },
      { name: '王大明', namePinyin: 'wang da ming' },
      'one character',
    ],
    ['one character, no pinyin', { name: '张伟' }, { name: '张玮' }, 'one character'],
    ['one character missing', { name: '欧阳靖' }, { name: '欧阳' }, 'one character'],
    ['different', { name: '王小明' }, { name: '李大明' }, 'different'],
    ['pinyin alone does not make a name', { namePinyin: 'zhang wei' }, { namePinyin: 'zhang wei' }, 'null'],
    ['missing', { name: '张伟' }, {}, 'null'],
  ])('name: %s → %s', (_, a, b, level) => {
    expect(levelName('name', a, b)).toBe(level)
  })

  it.each<[string | null, string | null, string]>([
    ['1950-03-02', '1950-03-02', 'exact'],
    ['1950-03', '1950-03', 'agree at coarser precision'], // equal, but only to the month
    ['1950', '1950', 'agree at coarser precision'],
    ['1950-03', '1950-03-02', 'agree at coarser precision'],
    ['1950', '1950-03-02', 'agree at coarser precision'],
    ['1950-03-02', '1950-03-15', 'same month'],
    ['1950-03-02', '1950-07-02', 'same year'],
    ['1950-04', '1950-03-02', 'same year'],
    ['1950', '1950-03', 'agree at coarser precision'],
    ['1950-03-02', '1951-03-02', 'different'],
    ['1950', '1951-03-02', 'different'],
    ['1950-03-02', null, 'null'],
    [null, null, 'null'],
  ])('birth: %s / %s → %s', (a, b, level) => {
    expect(levelName('birth', { birthDate: a }, { birthDate: b })).toBe(level)
  })

  it.each<[string | null, string | null, string]>([
    ['男', '男', 'same'],
    ['男', '女', 'different'],
    ['女', null, 'null'],
  ])('gender: %s / %s → %s', (a, b, level) => {
    expect(levelName('gender', { gender: a }, { gender: b })).toBe(level)
  })

  it.each<[string, string[], string[], string]>([
    ['shared mobile', ['13812345678'], ['13812345678'], 'shared mobile'],
    ['shared landline', ['025-84561234'], ['025-84561234'], 'shared landline'],
    ['shared landline, area code joined', ['02584561234'], ['02584561234'], 'shared landline'],
    [
      'a shared mobile outranks a shared landline',
      ['025-84561234', '13812345678'],
      ['13812345678', '025-84561234'],
      'shared mobile',
    ],
    ['one of several', ['13900000000', '13812345678'], ['13812345678'], 'shared mobile'],
    ['different', ['13812345678'], ['13900000000'], 'different'],
    ['different landlines', ['025-84561234'], ['025-84561235'], 'different'],
    ['none', [], ['13812345678'], 'null'],
  ])('phone: %s → %s', (_, a, b, level) => {
    expect(levelName('phone', { phones: a }, { phones: b })).toBe(level)
  })

  const B = '320104|常府街|8|3'
  it.each<[string, P, P, string]>([
    [
      'same dwelling',
      { addressKey: `${B}|301`, buildingKey: B },
      { addressKey: `${B}|301`, buildingKey: B },
      'same dwelling',
    ],
    [
      'same building',
      { addressKey: `${B}|301`, buildingKey: B },
      { addressKey: `${B}|502`, buildingKey: B },
      'same building',
    ],
    [
      'a room against its building',
      { addressKey: `${B}|301`, buildingKey: B },
      { addressKey: `${B}|`, buildingKey: B },
      'same building',
    ],
    [
      'different',
      { addressKey: `${B}|301`, buildingKey: B },
      { addressKey: '320104|常府街|9|1|101', buildingKey: '320104|常府街|9|1' },
      'different',
    ],
    [
      'different, no buildings',
      { addressKey: '320104|常府街|8||' },
      { addressKey: '320104|常府街|9||' },
      'different',
    ],
    ['missing', { addressKey: `${B}|301`, buildingKey: B }, { buildingKey: B }, 'null'],
  ])('dwelling: %s → %s', (_, a, b, level) => {
    expect(levelName('dwelling', a, b)).toBe(level)
  })

  it.each<[string | null, string | null, string]>([
    ['H1', 'H1', 'same owned house or unit'],
    ['H1', 'U1', 'different'],
    ['H1', null, 'null'],
  ])('context: %s / %s → %s', (a, b, level) => {
    expect(levelName('context', { context: a }, { context: b })).toBe(level)
  })
})

describe('PERSON_RULES', () => {
  it('is one rule: same resident id', () => {
    expect(PERSON_RULES.map((r) => r.name)).toEqual(['same resident id'])
  })

  it.each<[string, P, P, 'link' | 'apart' | null]>([
    ['two valid, same', { idNumber: ID, idValid: true }, { idNumber: ID, idValid: true }, 'link'],
    [
      'two valid, different (twins)',
      { idNumber: ID, idValid: true },
      { idNumber: ID_OTHER, idValid: true },
      'apart',
    ],
    ['one invalid, same string', { idNumber: ID, idValid: false }, { idNumber: ID, idValid: true }, null],
    ['one invalid, different', { idNumber: ID_X, idValid: false }, { idNumber: ID, idValid: true }, null],
    ['both invalid', { idNumber: ID_X, idValid: false }, { idNumber: ID, idValid: false }, null],
    ['validity unknown', { idNumber: ID }, { idNumber: ID_OTHER, idValid: true }, null],
    ['no ids', {}, {}, null],
  ])('%s → %s', (_, a, b, decision) => {
    const [rule] = PERSON_RULES
    expect(rule?.judge(person(a), person(b))).toBe(decision)
    expect(rule?.judge(person(b), person(a))).toBe(decision)
  })

  it('is what the linker judges by', () => {
    const linker = new Linker(personSpec(SETTINGS))
    expect(
      linker.judge(person({ idNumber: ID, idValid: true }), person({ idNumber: ID, idValid: true })),
    ).toEqual({
      decision: RULE_LINK,
      rule: 0,
    })
    expect(
      linker.judge(person({ idNumber: ID, idValid: true }), person({ idNumber: ID_OTHER, idValid: true })),
    ).toEqual({
      decision: RULE_APART,
      rule: 0,
    })
    expect(linker.judge(person({ idNumber: ID }), person({ idNumber: ID }))).toEqual({
      decision: 0,
      rule: -1,
    })
    expect(linker.ruleName(0)).toBe('same resident id')
    expect(linker.ruleName(-1)).toBe('model')
  })
})

// every person feature in at least one rule, so each feature's keys are tested (the shipped rules differ)
const SETTINGS: EntitySettings = {
  ...parseSettings(readFileSync(DEFAULT_SETTINGS_FILE, 'utf8'), 'match.yaml').person,
  blocking: [
    ['id17'],
    ['name', 'birthMonth'],
    ['pinyin', 'dwelling'],
    ['name', 'phone'],
    ['pinyin', 'phone'],
    ['pinyin', 'birthDate'],
    ['name', 'building'],
    ['name', 'context'],
  ],
}

describe('personSpec', () => {
  const spec = personSpec(SETTINGS)
  const rule = (name: string) => {
    const r = spec.blocking.find((b) => b.name === name)
    if (!r) throw new Error(`no blocking rule ${name}`)
    return r
  }

  it('compiles the configured blocking rules, named after their features', () => {
    expect(spec.entityType).toBe('person')
    expect(spec.blocking.map((r) => r.name)).toEqual([
      'id17',
      'name+birthMonth',
      'pinyin+dwelling',
      'name+phone',
      'pinyin+phone',
      'pinyin+birthDate',
      'name+building',
      'name+context',
    ])
    expect(spec.comparisons).toBe(PERSON_COMPARISONS)
    expect(spec.rules).toBe(PERSON_RULES)
    expect(spec.startM.map((r) => r.length)).toEqual(PERSON_COMPARISONS.map((c) => c.levels.length))
    for (const row of spec.startM) expect(row[0]).toBe(1)
  })

  const S = '\u0001'
  it.each<[string, P, string[]]>([
    ['id17', { idNumber: ID }, [`${S}32010219900101123`]],
    ['id17', { idNumber: ID_X }, [`${S}32010219900101123`]], // the check digit is not in the key
    ['id17', { otherDocument: 'E12345678' }, [`${S}E12345678`]],
    ['id17', {}, []],
    ['name+birthMonth', { name: '张伟', birthDate: '1990-01-01' }, [`${S}张伟${S}1990-01`]],
    ['name+birthMonth', { name: '张伟', birthDate: '1990-01' }, [`${S}张伟${S}1990-01`]],
    ['name+birthMonth', { name: '张伟', birthDate: '1990' }, []],
    ['name+birthMonth', { birthDate: '1990-01-01' }, []],
    [
      'pinyin+birthDate',
      { namePinyin: 'zhang wei', birthDate: '1990-01-01' },
      [`${S}zhang wei${S}1990-01-01`],
    ],
    ['pinyin+birthDate', { namePinyin: 'zhang wei', birthDate: '1990-01' }, []],
    [
      'pinyin+dwelling',
      { namePinyin: 'zhang wei', addressKey: '320104|常府街|8|3|301' },
      [`${S}zhang wei${S}320104|常府街|8|3|301`],
    ],
    [
      'name+phone',
      { name: '张伟', phones: ['13812345678', '025-84561234'] },
      [`${S}张伟${S}13812345678`, `${S}张伟${S}025-84561234`],
    ],
    ['name+phone', { name: '张伟', phones: [] }, []],
    ['name+building', { name: '张伟', buildingKey: '320104|常府街|8|3' }, [`${S}张伟${S}320104|常府街|8|3`]],
    ['name+context', { name: '张伟', context: 'U42' }, [`${S}张伟${S}U42`]],
    ['name+context', { name: '张伟' }, []],
  ])('%s keys of %j', (name, fields, keys) => {
    expect(keysOf(person(fields), rule(name))).toEqual(keys)
  })

  it('takes the cross product of several multi-valued features', () => {
    const s = personSpec({ ...SETTINGS, blocking: [['phone', 'phone', 'name']] })
    const [r] = s.blocking
    expect(r?.name).toBe('phone+phone+name')
    expect(keysOf(person({ name: '张伟', phones: ['1', '2'] }), r as NonNullable<typeof r>)).toEqual([
      `${S}1${S}1${S}张伟`,
      `${S}1${S}2${S}张伟`,
      `${S}2${S}1${S}张伟`,
      `${S}2${S}2${S}张伟`,
    ])
  })

  it('blocks two records sharing any one of their phones under one name', () => {
    const records = [
      person({ name: '张伟', phones: ['13811111111', '13822222222'] }),
      person({ name: '张伟', phones: ['13822222222'] }),
      person({ name: '张伟', phones: ['13833333333'] }),
      person({ name: '张玮', phones: ['13811111111'] }),
    ]
    const s = personSpec({ ...SETTINGS, blocking: [['name', 'phone']] })
    const { pairs } = candidatePairs(records, s.blocking, 10)
    expect(Array.from(pairs, (p) => [pairLeft(p), pairRight(p)])).toEqual([[0, 1]])
  })
})

describe('personAnchor', () => {
  it.each<[P, string | null]>([
    [{ idNumber: ID, idValid: true }, ID],
    [{ idNumber: ID, idValid: false }, null],
    [{ idNumber: ID, idValid: null }, null],
    [{ otherDocument: 'E12345678', idValid: null }, null],
  ])('%j → %s', (fields, anchor) => {
    expect(personAnchor(person(fields))).toBe(anchor)
  })
})
