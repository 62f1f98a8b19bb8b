import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { comparePartialDates, parseDate, partialDatesAgree } from '../../src/normalize/date.ts'

// A fixed "today" (local time) so range tests do not depend on when they run.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(2024, 5, 15, 12, 0, 0)) // 2024-06-15
})
afterAll(() => {
  vi.useRealTimers()
})

const day = (value: string) => ({ value: { value, precision: 'day' } })
const month = (value: string) => ({ value: { value, precision: 'month' } })
const year = (value: string) => ({ value: { value, precision: 'year' } })
const error = (code: string) => ({ value: null, problem: { code, severity: 'error' } })

describe('parseDate: day precision', () => {
  test.each([
    ['1985-03-02', day('1985-03-02')],
    ['1985/3/2', day('1985-03-02')],
    ['1985/03/02', day('1985-03-02')],
    ['19850302', day('1985-03-02')],
    ['1985年3月2日', day('1985-03-02')],
    ['1985年03月02日', day('1985-03-02')],
    ['1985 年 3 月 2 日', day('1985-03-02')],
    ['１９８５年３月２日', day('1985-03-02')],
    ['1985.03.02', day('1985-03-02')],
    ['1985.3.2', day('1985-03-02')],
    ['1985-3-2', day('1985-03-02')],
    ['1985-3-2 0:00:00', day('1985-03-02')],
    ['1985/3/2 0:00', day('1985-03-02')],
    ['1985-03-02 00:00:00.000', day('1985-03-02')],
    ['1985-03-02T00:00:00', day('1985-03-02')],
    ['1985-03-02T00:00:00Z', day('1985-03-02')],
    ['1985-03-02 08:30:00+08:00', day('1985-03-02')],
    ['1985年03月02日 00时00分00秒', day('1985-03-02')],
    [' 1985-03-02 ', day('1985-03-02')],
    ['2000-02-29', day('2000-02-29')],
    ['1900-01-01', day('1900-01-01')],
    ['2024-06-16', day('2024-06-16')], // tomorrow: a day of slack for clocks and time zones
  ])('%j', (input, expected) => {
    expect(parseDate(input)).toEqual(expected)
  })
})

describe('parseDate: month and year precision', () => {
  test.each([
    ['1950.03', month('1950-03')],
    ['1950.3', month('1950-03')],
    ['1950年3月', month('1950-03')],
    ['1950年03月', month('1950-03')],
    ['1950-03', month('1950-03')],
    ['1950/3', month('1950-03')],
    ['195003', month('1950-03')],
    ['2024-06', month('2024-06')],
    ['1950年', year('1950')],
    ['1950', year('1950')],
    ['2024', year('2024')],
  ])('%j', (input, expected) => {
    expect(parseDate(input)).toEqual(expected)
  })
})

describe('parseDate: Excel serial numbers (1900 date system)', () => {
  test.each([
    [31108, day('1985-03-02')],
    [31108.75, day('1985-03-02')], // the fraction is the time of day
    [1, day('1900-01-01')],
    [59, day('1900-02-28')],
    [61, day('1900-03-01')], // after Lotus's fictitious 29 February 1900
    [36586, day('2000-03-01')],
    [45458, day('2024-06-15')],
    [1950, year('1950')], // a plausible year, not serial 1950 (1905)
    [1899, day('1905-03-13')], // not a plausible year: a serial
    [19850302, day('1985-03-02')],
    [195003, month('1950-03')],
  ])('number %j', (input, expected) => {
    expect(parseDate(input)).toEqual(expected)
  })

  test.each([
    ['31108', day('1985-03-02')],
    ['31108.5', day('1985-03-02')],
    ['1950', year('1950')],
    ['1985-03-02', day('1985-03-02')],
  ])('string %j with excelSerial', (input, expected) => {
    expect(parseDate(input, { excelSerial: true })).toEqual(expected)
  })

  test.each([
    [60, error('DATE_FORMAT')], // 1900-02-29 never was
    [0, error('DATE_RANGE')],
    [-3, error('DATE_RANGE')],
    [45460, error('DATE_RANGE')], // 2024-06-17
    [Number.NaN, error('DATE_FORMAT')],
    [Number.POSITIVE_INFINITY, error('DATE_FORMAT')],
  ])('number %j refused', (input, expected) => {
    expect(parseDate(input)).toEqual(expected)
  })

  test('a serial string without the option is not a date', () => {
    expect(parseDate('31108')).toEqual(error('DATE_FORMAT'))
  })
})

describe('parseDate: refused', () => {
  test.each([
    ['1985-02-30', 'DATE_FORMAT'],
    ['1985-13-01', 'DATE_FORMAT'],
    ['1985-00-10', 'DATE_FORMAT'],
    ['1900-02-29', 'DATE_FORMAT'],
    ['19850230', 'DATE_FORMAT'],
    ['195013', 'DATE_FORMAT'],
    ['1950年13月', 'DATE_FORMAT'],
    ['abc', 'DATE_FORMAT'],
    ['85-03-02', 'DATE_FORMAT'],
    ['3/2/1985', 'DATE_FORMAT'],
    ['1985-03-02-04', 'DATE_FORMAT'],
    ['12', 'DATE_FORMAT'],
    ['1899-12-31', 'DATE_RANGE'],
    ['1899', 'DATE_RANGE'],
    ['1850年3月', 'DATE_RANGE'],
    ['2024-06-17', 'DATE_RANGE'],
    ['2024-07', 'DATE_RANGE'],
    ['2025年', 'DATE_RANGE'],
    ['2999-01-01', 'DATE_RANGE'],
    ['1'.repeat(201), 'TOO_LONG'],
  ])('%j → %s', (input, code) => {
    expect(parseDate(input)).toEqual(error(code))
  })

  test.each(['', '  ', '无', '不详'])('blank %j → null without a problem', (input) => {
    expect(parseDate(input)).toEqual({ value: null })
  })

  test('a 50 KB string of date-like text is refused at once', () => {
    expect(parseDate('1985-'.repeat(10_000)).problem?.code).toBe('TOO_LONG')
  })
})

describe('partialDatesAgree', () => {
  const d = (value: string, precision: 'day' | 'month' | 'year') => ({ value, precision })
  test.each([
    [d('1950-03', 'month'), d('1950-03-17', 'day'), true],
    [d('1950-03-17', 'day'), d('1950-03', 'month'), true],
    [d('1950', 'year'), d('1950-11-02', 'day'), true],
    [d('1950', 'year'), d('1950-11', 'month'), true],
    [d('1985-03-02', 'day'), d('1985-03-02', 'day'), true],
    [d('1985-03-02', 'day'), d('1985-03-20', 'day'), false],
    [d('1950-03', 'month'), d('1950-04-01', 'day'), false],
    [d('1950-01', 'month'), d('1950-10', 'month'), false],
    [d('1950', 'year'), d('1951-01-01', 'day'), false],
  ])('%j ~ %j → %s', (a, b, expected) => {
    expect(partialDatesAgree(a, b)).toBe(expected)
  })
})

test('comparePartialDates orders by start, coarser first', () => {
  const dates = [
    { value: '1985-03-02', precision: 'day' as const },
    { value: '1950', precision: 'year' as const },
    { value: '1950-03', precision: 'month' as const },
    { value: '1950-03-01', precision: 'day' as const },
  ]
  expect([...dates].sort(comparePartialDates).map((x) => x.value)).toEqual([
    '1950',
    '1950-03',
    '1950-03-01',
    '1985-03-02',
  ])
})

describe('parseDate: the colloquial 号 for 日', () => {
  test.each([
    ['2024年3月4号', '2024-03-04'],
    ['2024年03月04号', '2024-03-04'],
  ])('%s → %s', (raw, expected) => {
    expect(parseDate(raw)).toEqual({ value: { value: expected, precision: 'day' } })
  })
})
