import { describe, expect, it } from 'vitest'
import {
  columnFromRef,
  formatNumber,
  isDateFormat,
  serialToIsoDate,
} from '../../../src/ingest/read/xlsx/cell-value.ts'

describe('cell values', () => {
  it('recognises date formats and ignores quoted, escaped and bracketed letters', () => {
    expect(isDateFormat(14, undefined)).toBe(true)
    expect(isDateFormat(22, undefined)).toBe(true)
    expect(isDateFormat(31, undefined)).toBe(true) // zh-CN yyyy"年"m"月"d"日"
    expect(isDateFormat(0, undefined)).toBe(false)
    expect(isDateFormat(49, undefined)).toBe(false)
    expect(isDateFormat(176, 'yyyy/m/d')).toBe(true)
    expect(isDateFormat(176, '[h]:mm:ss')).toBe(true)
    expect(isDateFormat(176, '"month"0')).toBe(false)
    expect(isDateFormat(176, '\\d0.00')).toBe(false)
    expect(isDateFormat(176, '[DBNum1][$-804]General')).toBe(false)
    expect(isDateFormat(176, '#,##0_);[Red](#,##0)')).toBe(false)
    expect(isDateFormat(176, 'General')).toBe(false)
  })

  it('converts serials in both date systems, with the 1900 leap-year bug', () => {
    expect(serialToIsoDate(1, false)).toBe('1900-01-01')
    expect(serialToIsoDate(59, false)).toBe('1900-02-28')
    expect(serialToIsoDate(60, false)).toBe('1900-02-29')
    expect(serialToIsoDate(61, false)).toBe('1900-03-01')
    expect(serialToIsoDate(31108, false)).toBe('1985-03-02')
    expect(serialToIsoDate(31108.75, false)).toBe('1985-03-02')
    expect(serialToIsoDate(2958465, false)).toBe('9999-12-31')
    expect(serialToIsoDate(29646, true)).toBe('1985-03-02')
    expect(serialToIsoDate(-1, false)).toBeUndefined()
    expect(serialToIsoDate(0, false)).toBeUndefined()
    expect(serialToIsoDate(3e6, false)).toBeUndefined()
  })

  it('writes numbers as their shortest round-trip text', () => {
    expect(formatNumber('0.10000000000000001')).toBe('0.1')
    expect(formatNumber('1.3812345678E10')).toBe('13812345678')
    expect(formatNumber('320104198503021234')).toBe('320104198503021250')
    expect(formatNumber('-0')).toBe('0')
    expect(formatNumber('abc')).toBe('abc')
  })

  it('reads column letters', () => {
    expect(columnFromRef('A1')).toBe(0)
    expect(columnFromRef('Z9')).toBe(25)
    expect(columnFromRef('AB12')).toBe(27)
    expect(columnFromRef('XFD1')).toBe(16_383)
    expect(columnFromRef('XFE1')).toBeUndefined()
    expect(columnFromRef('12')).toBeUndefined()
  })
})
