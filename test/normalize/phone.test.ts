import { describe, expect, test } from 'vitest'
import { maskPhone, normalizePhones } from '../../src/normalize/phone.ts'

describe('normalizePhones: readable numbers', () => {
  test.each([
    ['13812345678', ['13812345678']],
    ['+8613812345678', ['13812345678']],
    ['+86 138 1234 5678', ['13812345678']],
    ['+86-138-1234-5678', ['13812345678']],
    ['0086 13812345678', ['13812345678']],
    ['8613812345678', ['13812345678']],
    ['(+86)13812345678', ['13812345678']],
    ['138-1234-5678', ['13812345678']],
    ['138 1234 5678', ['13812345678']],
    ['１３８１２３４５６７８', ['13812345678']],
    ['013812345678', ['13812345678']], // trunk 0 before a mobile
    ['025-84561234', ['025-84561234']],
    ['02584561234', ['025-84561234']],
    ['(025)84561234', ['025-84561234']],
    ['（025）84561234', ['025-84561234']],
    ['025 8456 1234', ['025-84561234']],
    ['010-62345678', ['010-62345678']],
    ['0512-6789012', ['0512-6789012']], // four-digit area code, seven-digit number
    ['0512-67890123', ['0512-67890123']],
    ['+86 25 8456 1234', ['025-84561234']], // international form drops the trunk 0
    ['025-84561234转123', ['025-84561234-123']],
    ['025-84561234-123', ['025-84561234-123']],
    ['025-84561234 ext 123', ['025-84561234-123']],
    ['025-84561234 分机 8', ['025-84561234-8']],
    ['4008001234', ['4008001234']],
    ['13812345678,13912345678', ['13812345678', '13912345678']],
    ['13812345678，13912345678', ['13812345678', '13912345678']],
    ['13812345678;025-84561234', ['13812345678', '025-84561234']],
    ['13812345678；025-84561234', ['13812345678', '025-84561234']],
    ['13812345678/13912345678', ['13812345678', '13912345678']],
    ['13812345678、13912345678', ['13812345678', '13912345678']],
    ['13812345678 13912345678', ['13812345678', '13912345678']],
    ['13812345678 / 138-1234-5678', ['13812345678']], // the same number twice
  ])('%j → %j', (input, expected) => {
    expect(normalizePhones(input)).toEqual({ value: expected })
  })

  test('a number cell from a spreadsheet', () => {
    expect(normalizePhones(13812345678)).toEqual({ value: ['13812345678'] })
  })
})

describe('normalizePhones: flagged', () => {
  test.each([
    ['84561234', ['84561234'], 'no area code'],
    ['8456123', ['8456123'], 'no area code'],
    ['13812345678/abc', ['13812345678'], '1 unreadable number(s) dropped'],
    ['13812345678，12345', ['13812345678'], '1 unreadable number(s) dropped'],
  ])('%j → %j with a warning', (input, expected, detail) => {
    expect(normalizePhones(input)).toEqual({
      value: expected,
      problem: { code: 'PHONE_FORMAT', severity: 'warning', detail },
    })
  })

  test.each([
    'abc',
    '12345',
    '12812345678', // no mobile prefix 12
    '010-12345678', // local numbers never start with 1
    '0123-4567890', // no 01XX area codes besides 010
    '3.20102E+17',
    '138123456789', // 12 digits
  ])('%j → PHONE_FORMAT error', (input) => {
    expect(normalizePhones(input)).toEqual({
      value: null,
      problem: { code: 'PHONE_FORMAT', severity: 'error' },
    })
  })

  test('no number or input text in the problem detail', () => {
    const result = normalizePhones('13812345678/1399')
    expect(JSON.stringify(result.problem)).not.toMatch(/\d{4}/)
  })

  test.each(['', '  ', '无', '-'])('blank %j → [] without a problem', (input) => {
    expect(normalizePhones(input)).toEqual({ value: [] })
  })

  test('a 50 KB string is refused at once', () => {
    expect(normalizePhones('1'.repeat(50_000))).toEqual({
      value: null,
      problem: { code: 'TOO_LONG', severity: 'error' },
    })
  })
})

describe('maskPhone', () => {
  test.each([
    ['13812345678', '138****5678'],
    ['025-84561234', '025-****1234'],
    ['0512-6789012', '0512-***9012'],
    ['025-84561234-123', '025-****1234-123'],
    ['84561234', '****1234'],
  ])('%s → %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected)
  })
})

describe('normalizePhones: notes about whose number it is', () => {
  test.each([
    ['13812345678（女儿）', ['13812345678']],
    ['13812345678(本人)', ['13812345678']],
    ['母亲:13912345678', ['13912345678']],
    ['本人13812345678，女儿13912345678', ['13812345678', '13912345678']],
    ['025-84561234转123', ['025-84561234-123']],
  ])('%s → %j', (raw, expected) => {
    expect(normalizePhones(raw)).toEqual({ value: expected })
  })
})
