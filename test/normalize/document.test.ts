import { describe, expect, it } from 'vitest'
import { normalizeDocumentNumber } from '../../src/normalize/document.ts'

describe('normalizeDocumentNumber', () => {
  it.each([
    ['E64115177', 'E64115177'],
    ['g77878320', 'G77878320'],
    [' H 1234 5678 ', 'H12345678'],
    ['M62792200-01', 'M6279220001'],
    ['ＥＡ１２３４５６７', 'EA1234567'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeDocumentNumber(raw)).toBe(expected)
  })

  it.each([['320104198503021234'], ['12345'], ['ABCDEFG'], ['王伟'], [''], ['A1B2'], ['x'.repeat(60)]])(
    '%s is no document number',
    (raw) => {
      expect(normalizeDocumentNumber(raw)).toBeNull()
    },
  )
})
