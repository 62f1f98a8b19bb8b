import { describe, expect, test } from 'vitest'
import {
  maskResidentId,
  normalizeResidentId,
  residentIdCheckDigit,
  sameResidentId,
} from '../../src/normalize/resident-id.ts'

// Check digits worked by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 → 1 0 X 9 8 7 6 5 4 3 2):
//   11010519491231002X: the sample printed in GB 11643-1999.
//   32010219850302123 → sum 185, 185 mod 11 = 9 → '3'.
//   32010219850302124 → sum 187, 187 mod 11 = 0 → '1'.
describe('residentIdCheckDigit', () => {
  test.each([
    ['11010519491231002', 'X'],
    ['32010219850302123', '3'],
    ['32010219850302124', '1'],
    ['44030420000229001', '4'],
  ])('%s → %s', (first17, expected) => {
    expect(residentIdCheckDigit(first17)).toBe(expected)
  })

  test('rejects anything but 17 digits', () => {
    expect(() => residentIdCheckDigit('1234')).toThrow()
    expect(() => residentIdCheckDigit('1101051949123100X')).toThrow()
  })
})

describe('normalizeResidentId: valid ids', () => {
  test.each([
    {
      input: '11010519491231002X',
      expected: {
        value: '11010519491231002X',
        valid: true,
        from15: false,
        birthDate: '1949-12-31',
        gender: 'F',
        areaCode: '110105',
      },
    },
    {
      input: '11010519491231002x', // lower-case x
      expected: {
        value: '11010519491231002X',
        valid: true,
        from15: false,
        birthDate: '1949-12-31',
        gender: 'F',
        areaCode: '110105',
      },
    },
    {
      input: '320102198503021233',
      expected: {
        value: '320102198503021233',
        valid: true,
        from15: false,
        birthDate: '1985-03-02',
        gender: 'M',
        areaCode: '320102',
      },
    },
    {
      input: '320102198503021241',
      expected: {
        value: '320102198503021241',
        valid: true,
        from15: false,
        birthDate: '1985-03-02',
        gender: 'F',
        areaCode: '320102',
      },
    },
    {
      input: '440304200002290014', // 29 February of a leap year
      expected: {
        value: '440304200002290014',
        valid: true,
        from15: false,
        birthDate: '2000-02-29',
        gender: 'M',
        areaCode: '440304',
      },
    },
    {
      input: '320102850302123', // old 15-digit id: century 19 inserted, check digit appended
      expected: {
        value: '320102198503021233',
        valid: true,
        from15: true,
        birthDate: '1985-03-02',
        gender: 'M',
        areaCode: '320102',
      },
    },
    {
      input: ' 320102 19850302 1233 ', // spaces
      expected: {
        value: '320102198503021233',
        valid: true,
        from15: false,
        birthDate: '1985-03-02',
        gender: 'M',
        areaCode: '320102',
      },
    },
    {
      input: '３２０１０２１９８５０３０２１２３３', // full-width digits
      expected: {
        value: '320102198503021233',
        valid: true,
        from15: false,
        birthDate: '1985-03-02',
        gender: 'M',
        areaCode: '320102',
      },
    },
    {
      input: "'11010519491231002ｘ", // Excel text apostrophe, full-width lower-case x
      expected: {
        value: '11010519491231002X',
        valid: true,
        from15: false,
        birthDate: '1949-12-31',
        gender: 'F',
        areaCode: '110105',
      },
    },
  ])('$input', ({ input, expected }) => {
    expect(normalizeResidentId(input)).toEqual({ value: expected })
  })
})

describe('normalizeResidentId: flagged but kept', () => {
  test.each([
    { input: '320102198503021234', code: 'ID_CHECKSUM', value: '320102198503021234' }, // should end in 3
    { input: '11010519491231002Y'.replace('Y', '3'), code: 'ID_CHECKSUM', value: '110105194912310023' },
    { input: '990102198503021238', code: 'ID_AREA', value: '990102198503021238' }, // check digit right, no province 99
  ])('$input → $code warning', ({ input, code, value }) => {
    const result = normalizeResidentId(input)
    expect(result.problem).toEqual({ code, severity: 'warning' })
    expect(result.value?.value).toBe(value)
    expect(result.value?.valid).toBe(false)
  })
})

describe('normalizeResidentId: refused', () => {
  test.each([
    ['12345', 'ID_FORMAT'],
    ['3201021985030212', 'ID_FORMAT'], // 16 digits
    ['3201021985030212334', 'ID_FORMAT'], // 19 digits
    ['32010219850302X233', 'ID_FORMAT'], // X not last
    ['3.20102E+17', 'ID_FORMAT'], // Excel scientific notation: digits lost
    ['张三', 'ID_FORMAT'],
    ['320102198502301234', 'ID_BIRTHDATE'], // 30 February
    ['320102198513011234', 'ID_BIRTHDATE'], // month 13
    ['320102190002290010', 'ID_BIRTHDATE'], // 1900 was not a leap year
    ['320102189912311234', 'ID_BIRTHDATE'], // before 1900
    ['320102209901011234', 'ID_BIRTHDATE'], // in the future
    ['000000000000000000', 'ID_BIRTHDATE'],
    ['320102850230123', 'ID_BIRTHDATE'], // 15-digit with 30 February
    ['1'.repeat(201), 'TOO_LONG'],
  ])('%s → %s error', (input, code) => {
    expect(normalizeResidentId(input)).toEqual({ value: null, problem: { code, severity: 'error' } })
  })

  test.each(['', '   ', '无', 'NULL'])('blank %j → null without a problem', (input) => {
    expect(normalizeResidentId(input)).toEqual({ value: null })
  })

  test('a 50 KB string is refused at once', () => {
    expect(normalizeResidentId('3'.repeat(50_000)).problem?.code).toBe('TOO_LONG')
  })
})

describe('sameResidentId', () => {
  test.each([
    ['320102850302123', '320102198503021233', true],
    ['11010519491231002x', '11010519491231002X', true],
    ['３２０１０２８５０３０２１２３', '320102198503021233', true],
    ['320102198503021233', '320102198503021241', false],
    ['320102198503021233', '320102198503021234', false],
    ['', '', false],
    ['abc', 'abc', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(sameResidentId(a, b)).toBe(expected)
  })
})

test('maskResidentId keeps the area code and the last four', () => {
  expect(maskResidentId('320102198503021233')).toBe('320102********1233')
})
