import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SanshiError } from '../../src/errors.ts'
import {
  DEFAULT_SETTINGS_FILE,
  loadSettings,
  type MatchSettings,
  PERSON_FEATURES,
  parseSettings,
  settingsVersion,
  UNIT_FEATURES,
} from '../../src/match/settings.ts'

const SHIPPED = readFileSync(DEFAULT_SETTINGS_FILE, 'utf8')
const FILE = 'conf/match.yaml'

/** The SanshiError parseSettings throws for this text. */
const refusal = (text: string): SanshiError => {
  try {
    parseSettings(text, FILE)
  } catch (e) {
    expect(e).toBeInstanceOf(SanshiError)
    return e as SanshiError
  }
  throw new Error('parseSettings accepted the text')
}

/** The shipped file with one exact piece of text replaced (which must be there). */
const edited = (from: string, to: string): string => {
  expect(SHIPPED).toContain(from)
  return SHIPPED.replace(from, to)
}

const MINIMAL = `
person:
  thresholds: { link: 0.95, review: 0.8 }
  maxBlockSize: 50
  blocking: [[name, birthMonth]]
  training: { randomPairs: 1000, emIterations: 5, seed: 1, tfMinCount: 2 }
unit:
  thresholds: { link: 0.95, review: 0.95 }
  maxBlockSize: 2
  blocking: [[creditCode], [anyName, phone]]
  training: { randomPairs: 50000000, emIterations: 500, seed: -3, tfMinCount: 1000 }
`

describe('parseSettings', () => {
  it('accepts the shipped config/match.yaml', () => {
    const s = parseSettings(SHIPPED, 'match.yaml')
    expect(s.person.thresholds).toEqual({ link: 0.99, review: 0.9 })
    expect(s.person.maxBlockSize).toBe(300)
    expect(s.person.blocking[0]).toEqual(['id17'])
    expect(s.person.blocking).toHaveLength(5)
    expect(s.person.training).toEqual({
      randomPairs: 400000,
      emIterations: 40,
      seed: 20261122,
      tfMinCount: 3,
    })
    expect(s.unit.blocking).toEqual([['creditCode'], ['anyName'], ['premises'], ['phone']])
    expect(s.unit.maxBlockSize).toBe(200)
    expect(loadSettings()).toEqual(s)
  })

  it('accepts the boundaries: review equal to link, extreme training values', () => {
    const s = parseSettings(MINIMAL, FILE)
    expect(s).toEqual({
      person: {
        thresholds: { link: 0.95, review: 0.8 },
        maxBlockSize: 50,
        blocking: [['name', 'birthMonth']],
        training: { randomPairs: 1000, emIterations: 5, seed: 1, tfMinCount: 2 },
      },
      unit: {
        thresholds: { link: 0.95, review: 0.95 },
        maxBlockSize: 2,
        blocking: [['creditCode'], ['anyName', 'phone']],
        training: { randomPairs: 50000000, emIterations: 500, seed: -3, tfMinCount: 1000 },
      },
    })
  })

  it('knows every feature the blocking rules may name', () => {
    expect([...PERSON_FEATURES]).toEqual([
      'id17',
      'name',
      'pinyin',
      'birthMonth',
      'birthDate',
      'dwelling',
      'building',
      'phone',
      'context',
    ])
    expect([...UNIT_FEATURES]).toEqual(['creditCode', 'coreName', 'signName', 'anyName', 'premises', 'phone'])
  })

  it.each([
    [
      'an unknown person feature',
      edited('- [id17]', '- [id17, shoeSize]'),
      'person.blocking.0.1',
      'expected one of',
    ],
    [
      'a person feature in a unit rule',
      edited('- [creditCode]', '- [id17]'),
      'unit.blocking.0.0',
      'expected one of',
    ],
    ['an empty blocking rule', edited('- [id17]', '- []'), 'person.blocking.0', 'Too small'],
    [
      'no blocking rules',
      MINIMAL.replace('blocking: [[name, birthMonth]]', 'blocking: []'),
      'person.blocking',
      'Too small',
    ],
    [
      'review above link',
      edited('thresholds: { link: 0.99, review: 0.9 }', 'thresholds: { link: 0.9, review: 0.95 }'),
      'person.thresholds',
      'review must not be above link',
    ],
    [
      'a link threshold of 1',
      MINIMAL.replace('link: 0.95, review: 0.8', 'link: 1, review: 0.8'),
      'person.thresholds.link',
      'Too big',
    ],
    [
      'a review threshold of 0',
      MINIMAL.replace('link: 0.95, review: 0.8', 'link: 0.95, review: 0'),
      'person.thresholds.review',
      'Too small',
    ],
    [
      'a threshold as text',
      MINIMAL.replace('link: 0.95, review: 0.8', "link: '0.95', review: 0.8"),
      'person.thresholds.link',
      'expected number',
    ],
    [
      'a block size of 1',
      MINIMAL.replace('maxBlockSize: 50', 'maxBlockSize: 1'),
      'person.maxBlockSize',
      'Too small',
    ],
    [
      'a fractional block size',
      MINIMAL.replace('maxBlockSize: 50', 'maxBlockSize: 2.5'),
      'person.maxBlockSize',
      'expected int',
    ],
    [
      'too few random pairs',
      MINIMAL.replace('randomPairs: 1000,', 'randomPairs: 999,'),
      'person.training.randomPairs',
      'Too small',
    ],
    [
      'too many EM iterations',
      MINIMAL.replace('emIterations: 5,', 'emIterations: 501,'),
      'person.training.emIterations',
      'Too big',
    ],
    ['a fractional seed', MINIMAL.replace('seed: 1,', 'seed: 1.5,'), 'person.training.seed', 'expected int'],
    [
      'a missing training block',
      MINIMAL.replace(/ {2}training: .*\nunit:/, 'unit:'),
      'person.training',
      'expected object',
    ],
    ['an unknown top-level key', `${SHIPPED}house: {}\n`, '(top)', 'Unrecognized key: "house"'],
    [
      'an unknown entity key',
      edited('maxBlockSize: 300', 'maxBlockSize: 300\n  colour: red'),
      'person',
      'Unrecognized key: "colour"',
    ],
    [
      'an unknown threshold',
      MINIMAL.replace('review: 0.8 }', 'review: 0.8, stop: 0.5 }'),
      'person.thresholds',
      'Unrecognized key: "stop"',
    ],
    [
      'an unknown training key',
      MINIMAL.replace('tfMinCount: 2 }', 'tfMinCount: 2, workers: 4 }'),
      'person.training',
      'Unrecognized key: "workers"',
    ],
    ['a missing entity', MINIMAL.slice(0, MINIMAL.indexOf('unit:')), 'unit', 'expected object'],
    ['an empty file', '', '(top)', 'expected object'],
    ['a list', '- person\n- unit\n', '(top)', 'expected object'],
  ])('refuses %s with SANSHI102 naming %s', (_, text, path, message) => {
    const e = refusal(text)
    expect(e.code).toBe('SANSHI102')
    expect(e.status).toBe(400)
    expect(e.message).toContain(`${FILE}: ${path}: `)
    expect(e.message).toContain(message)
  })

  it('names every problem, separated by semicolons', () => {
    const text = MINIMAL.replace('maxBlockSize: 50', 'maxBlockSize: 1').replace('seed: -3', 'seed: 0.5')
    const e = refusal(text)
    expect(e.message.split('; ').map((m) => m.split(': ').slice(0, 2).join(': '))).toEqual([
      `${FILE}: person.maxBlockSize`,
      `${FILE}: unit.training.seed`,
    ])
  })

  it.each([
    ['an unclosed flow sequence', 'person: [unclosed\n'],
    ['a tab-indented map', 'person:\n\tthresholds: 1\n'],
    ['a duplicate key', `${SHIPPED}person: {}\n`],
  ])('refuses text that is not YAML (%s) with SANSHI102', (_, text) => {
    const e = refusal(text)
    expect(e.code).toBe('SANSHI102')
    expect(e.message.startsWith(`${FILE}: not YAML: `)).toBe(true)
    expect(e.message).not.toContain('\n') // the parser's first line only
  })
})

describe('settingsVersion', () => {
  const shipped = (): MatchSettings => parseSettings(SHIPPED, 'match.yaml')

  it('is 12 hex characters', () => {
    expect(settingsVersion(shipped())).toMatch(/^[0-9a-f]{12}$/)
  })

  it('is equal for equal settings, and for the same settings laid out another way', () => {
    const relaid = `# the same settings, keys in another order, flow and block styles swapped
unit:
  training:
    tfMinCount: 3
    seed: 20261122
    emIterations: 40
    randomPairs: 200000
  blocking: [[creditCode], [anyName], [premises], [phone]]
  thresholds: { review: 0.9, link: 0.99 }
  maxBlockSize: 200
person:
  maxBlockSize: 300
  training: { seed: 20261122, randomPairs: 400000, tfMinCount: 3, emIterations: 40 }
  thresholds: { review: 0.90, link: 0.990 }
  blocking:
    - [id17]
    - [pinyin, birthMonth]
    - [pinyin, phone]
    - [pinyin, building]
    - [name, context]
`
    const v = settingsVersion(shipped())
    expect(settingsVersion(shipped())).toBe(v)
    expect(settingsVersion(structuredClone(shipped()))).toBe(v)
    expect(settingsVersion(parseSettings(relaid, 'other.yaml'))).toBe(v)
    expect(settingsVersion(shipped().person)).toBe(settingsVersion(parseSettings(relaid, 'x').person))
  })

  it('differs when anything differs', () => {
    const base = shipped()
    const versions = new Set([
      settingsVersion(base),
      settingsVersion({ ...base, person: { ...base.person, maxBlockSize: 301 } }),
      settingsVersion({ ...base, person: { ...base.person, thresholds: { link: 0.99, review: 0.91 } } }),
      settingsVersion({ ...base, person: { ...base.person, blocking: base.person.blocking.slice(1) } }),
      settingsVersion({ ...base, person: { ...base.person, blocking: [...base.person.blocking].reverse() } }),
      settingsVersion({ ...base, unit: { ...base.unit, training: { ...base.unit.training, seed: 1 } } }),
      settingsVersion(base.person),
      settingsVersion(base.unit),
    ])
    expect(versions.size).toBe(8)
  })

  it('hashes the JSON text: the same keys in another order are another version', () => {
    // what it promises holds for parsed settings (the schema fixes the key order); a hand-built
    // object with its keys in another order is, as JSON, another text
    expect(settingsVersion({ a: 1, b: 2 })).toBe(settingsVersion({ a: 1, b: 2 }))
    expect(settingsVersion({ a: 1, b: 2 })).not.toBe(settingsVersion({ b: 2, a: 1 }))
  })

  it.each([
    [{ a: 1 }, '015abd7f5cc5'],
    [null, '74234e98afe7'],
  ])('is the first 12 hex of sha256(JSON) (%j)', (value, version) => {
    expect(settingsVersion(value)).toBe(version)
  })
})
