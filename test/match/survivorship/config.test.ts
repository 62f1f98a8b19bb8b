import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { SanshiError } from '../../../src/errors.ts'
import {
  compileSurvivorship,
  DEFAULT_SURVIVORSHIP_FILE,
  loadSurvivorship,
  loadSurvivorshipConfig,
  parseSurvivorshipConfig,
} from '../../../src/match/survivorship/index.ts'
import { person, T1, T2, unit } from './members.ts'

const CONNECTOR_SOURCES = readdirSync(new URL('../../../connectors/', import.meta.url))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))

const MINIMAL = `
person: { default: [police.hukou] }
house: { default: [police.rental] }
unit: { default: [market.entity] }
`

/** The SanshiError a call throws. */
const thrown = (fn: () => unknown): SanshiError => {
  try {
    fn()
  } catch (e) {
    if (e instanceof SanshiError) return e
    throw e
  }
  throw new Error('expected a SanshiError')
}

describe('the shipped rules', () => {
  const config = loadSurvivorshipConfig()

  test('load, and name only the sources the connectors define', () => {
    expect(CONNECTOR_SOURCES).toHaveLength(8)
    expect(() =>
      loadSurvivorshipConfig(DEFAULT_SURVIVORSHIP_FILE, { knownSources: CONNECTOR_SOURCES }),
    ).not.toThrow()
  })

  test('identity: police.hukou > police.floating > civil.assistance > police.rental > grid.visit > registries', () => {
    expect(config.person.default.slice(0, 6)).toEqual([
      'police.hukou',
      'police.floating',
      'civil.assistance',
      'police.rental',
      'grid.visit',
      ['market.entity', 'civil.socialorg'],
    ])
  })

  test.each([
    ['person', 'assistance', 'civil.assistance'],
    ['person', 'gridCode', 'grid.visit'],
    ['house', 'gridCode', 'grid.visit'],
    ['unit', 'signNames', 'urban.shopfront'],
    ['unit', 'industry', 'urban.shopfront'],
    ['unit', 'gridCode', 'grid.visit'],
  ] as const)('%s.%s: %s first', (entity, field, source) => {
    const fields: Partial<Record<string, unknown[]>> = config[entity].fields
    expect(fields[field]?.[0]).toBe(source)
  })

  test('units: the registries first for credit code, name, kind and status', () => {
    expect(config.unit.default[0]).toEqual(['market.entity', 'civil.socialorg'])
    for (const field of ['creditCode', 'name', 'kind', 'status'] as const)
      expect(config.unit.fields[field]).toBeUndefined()
    expect(config.unit.registries).toEqual(['market.entity', 'civil.socialorg'])
    expect(config.unit.terminalStatuses).toContain('注销')
  })

  test('a minimal file takes the defaults of the special rules', () => {
    const minimal = parseSurvivorshipConfig(MINIMAL, 'minimal.yaml')
    expect(minimal.person.hukouSources).toEqual(['police.hukou'])
    expect(minimal.person.dwellingRoles).toEqual(['person', 'tenant'])
    expect(minimal.unit.registries).toEqual(['market.entity', 'civil.socialorg'])
    expect(minimal.unit.terminalStatuses).toEqual(['注销'])
    expect(minimal.person.fields).toEqual({})
  })
})

describe('a bad file is refused with SANSHI102, naming what is wrong', () => {
  test.each([
    ['not YAML', 'person: [unclosed', ['not valid YAML']],
    ['an empty file', '', ['the file is empty']],
    ['a comment only', '# nothing\n', ['the file is empty']],
    ['not a mapping', '- police.hukou\n', ['(top level): expected a mapping with person, house and unit']],
    [
      'a missing entity',
      'person: { default: [police.hukou] }\nhouse: { default: [police.rental] }\n',
      ['unit: ', 'required'],
    ],
    [
      'an unknown entity',
      `${MINIMAL}\nshop: { default: [] }\n`,
      ['shop: unknown key', 'person, house, unit'],
    ],
    [
      'a misspelt field',
      MINIMAL.replace('default: [police.hukou]', 'default: [police.hukou], fields: { nmae: [grid.visit] }'),
      ['person.fields.nmae: unknown key', 'idNumber, name'],
    ],
    [
      'a field of another entity',
      MINIMAL.replace('default: [police.rental]', 'default: [police.rental], fields: { signNames: [] }'),
      ['house.fields.signNames: unknown key', 'key, usage'],
    ],
    [
      'an unknown rule setting',
      MINIMAL.replace('default: [market.entity]', 'default: [market.entity], registry: [market.entity]'),
      ['unit.registry: unknown key', 'registries'],
    ],
    [
      'a missing default list',
      MINIMAL.replace('default: [police.rental]', 'fields: {}'),
      ['house.default: required'],
    ],
    [
      'a default that is not a list',
      MINIMAL.replace('default: [police.rental]', 'default: police.rental'),
      ['house.default: expected a list'],
    ],
    [
      'a source id with a space',
      MINIMAL.replace('[police.hukou]', '[police.hukou, "grid visit"]'),
      ['person.default[1]: "grid visit" is not a source id'],
    ],
    [
      'a number for a source',
      MINIMAL.replace('[police.hukou]', '[police.hukou, 7]'),
      ['person.default[1]: expected a source id'],
    ],
    [
      'a bad id inside a group',
      MINIMAL.replace('[market.entity]', '[[market.entity, Civil.SocialOrg]]'),
      ['unit.default[0][1]: "Civil.SocialOrg" is not a source id'],
    ],
    [
      'an empty group',
      MINIMAL.replace('[market.entity]', '[market.entity, []]'),
      ['unit.default[1]: an empty group'],
    ],
    [
      'a source listed twice',
      MINIMAL.replace('[police.hukou]', '[police.hukou, grid.visit, police.hukou]'),
      ['person.default[2]: police.hukou is listed twice'],
    ],
    [
      'a source twice across a group',
      MINIMAL.replace('[market.entity]', '[market.entity, [civil.socialorg, market.entity]]'),
      ['unit.default[1][1]: market.entity is listed twice'],
    ],
    [
      'a bad registries list',
      MINIMAL.replace('default: [market.entity]', 'default: [market.entity], registries: market.entity'),
      ['unit.registries: expected a list of source ids'],
    ],
    [
      'an empty terminal status',
      MINIMAL.replace('default: [market.entity]', "default: [market.entity], terminalStatuses: ['']"),
      ['unit.terminalStatuses[0]'],
    ],
    [
      'several problems at once',
      MINIMAL.replace('[police.hukou]', '[police.hukou, police.hukou]').replace('[market.entity]', '[BAD]'),
      ['person.default[1]: police.hukou is listed twice', 'unit.default[0]: "BAD" is not a source id'],
    ],
  ])('%s', (_title, text, expected) => {
    const error = thrown(() => parseSurvivorshipConfig(text, 'rules.yaml'))
    expect(error.code).toBe('SANSHI102')
    expect(error.location.file).toBe('rules.yaml')
    for (const part of expected) expect(error.message).toContain(part)
  })

  test('a source the connectors do not define, when they are given', () => {
    const text = MINIMAL.replace('[police.hukou]', '[police.hukou, police.hukuo]')
    expect(() => parseSurvivorshipConfig(text, 'rules.yaml')).not.toThrow()
    const error = thrown(() =>
      parseSurvivorshipConfig(text, 'rules.yaml', { knownSources: CONNECTOR_SOURCES }),
    )
    expect(error.code).toBe('SANSHI102')
    expect(error.message).toBe('person.default[1]: unknown source police.hukuo')
  })

  test('unknown sources in fields, groups and the special rules', () => {
    const text = `
person: { default: [police.hukou], fields: { name: [[grid.visit, x.y]] }, hukouSources: [x.hukou] }
house: { default: [police.rental] }
unit: { default: [market.entity], registries: [x.registry] }
`
    const error = thrown(() =>
      parseSurvivorshipConfig(text, 'rules.yaml', { knownSources: CONNECTOR_SOURCES }),
    )
    expect(error.message).toBe(
      'person.fields.name[0][1]: unknown source x.y; person.hukouSources[0]: unknown source x.hukou; ' +
        'unit.registries[0]: unknown source x.registry',
    )
  })

  test('a file that cannot be read', () => {
    const error = thrown(() => loadSurvivorshipConfig('/nonexistent/survivorship.yaml'))
    expect(error.code).toBe('SANSHI102')
    expect(error.message).toContain('cannot read the survivorship file (ENOENT)')
    expect(error.location.file).toBe('/nonexistent/survivorship.yaml')
  })
})

describe('the rules are data', () => {
  const compile = (text: string) => compileSurvivorship(parseSurvivorshipConfig(text, 'rules.yaml'))

  test('another trust order, another winner', () => {
    const s = compile(MINIMAL.replace('[police.hukou]', '[grid.visit, police.hukou]'))
    const golden = s.person([
      person(1, 'police.hukou', { name: '甲' }),
      person(2, 'grid.visit', { name: '乙' }),
    ])
    expect(golden.name).toBe('乙')
    expect(golden.provenance.name?.rule).toBe('trust:grid.visit')
  })

  test('a per-field list overrides the default for that field only', () => {
    const s = compile(
      MINIMAL.replace('default: [police.hukou]', 'default: [police.hukou], fields: { gender: [grid.visit] }'),
    )
    const golden = s.person([
      person(1, 'police.hukou', { name: '甲', gender: 'M' }),
      person(2, 'grid.visit', { name: '乙', gender: 'F' }),
    ])
    expect([golden.name, golden.gender]).toEqual(['甲', 'F'])
  })

  test('an empty list leaves the field to recency', () => {
    const s = compile(
      MINIMAL.replace('default: [police.hukou]', 'default: [police.hukou], fields: { name: [] }'),
    )
    const golden = s.person([
      person(1, 'police.hukou', { name: '甲', seenAt: T1 }),
      person(2, 'grid.visit', { name: '乙', seenAt: T2 }),
    ])
    expect(golden.name).toBe('乙')
    expect(golden.provenance.name?.rule).toBe('recent')
  })

  test('no hukou sources: category by trust', () => {
    const s = compile(
      MINIMAL.replace('default: [police.hukou]', 'default: [police.floating], hukouSources: []'),
    )
    const golden = s.person([
      person(1, 'police.hukou', { category: '户籍' }),
      person(2, 'police.floating', { category: '流动' }),
    ])
    expect(golden.category).toBe('流动')
    expect(golden.provenance.category?.rule).toBe('trust:police.floating')
  })

  test('dwelling roles as configured', () => {
    const s = compile(
      MINIMAL.replace('default: [police.hukou]', 'default: [police.hukou], dwellingRoles: [owner]'),
    )
    expect(s.person([person(1, 'police.rental', { role: 'owner', houseId: 'H9' })]).houseId).toBe('H9')
    expect(s.person([person(1, 'police.rental', { role: 'tenant', houseId: 'H9' })]).houseId).toBeNull()
  })

  test('no registries: status by trust; no terminal statuses: the latest registry status', () => {
    const members = [
      unit(1, 'market.entity', { status: '注销', seenAt: T1 }),
      unit(2, 'market.entity', { status: '存续', seenAt: T2 }),
      unit(3, 'urban.shopfront', { status: '营业', seenAt: T2 }),
    ]
    const noRegistries = compile(
      MINIMAL.replace('default: [market.entity]', 'default: [urban.shopfront], registries: []'),
    )
    expect(noRegistries.unit(members).status).toBe('营业')
    const noTerminal = compile(
      MINIMAL.replace('default: [market.entity]', 'default: [market.entity], terminalStatuses: []'),
    )
    expect(noTerminal.unit(members).status).toBe('存续')
  })

  test('loadSurvivorship reads a file of one’s own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanshi-survivorship-'))
    try {
      const file = join(dir, 'rules.yaml')
      writeFileSync(file, MINIMAL.replace('[police.hukou]', '[grid.visit]'))
      const s = loadSurvivorship(file)
      expect(s.config.person.default).toEqual(['grid.visit'])
      expect(
        s.person([person(1, 'police.hukou', { name: '甲' }), person(2, 'grid.visit', { name: '乙' })]).name,
      ).toBe('乙')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
