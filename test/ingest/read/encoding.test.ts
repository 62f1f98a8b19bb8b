import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { detectEncoding, isValidUtf8 } from '../../../src/ingest/read/encoding.ts'

describe('isValidUtf8', () => {
  it.each([
    ['ascii', Buffer.from('记录编号,姓名\n1,王伟'), true],
    ['a head cut inside a character', Buffer.from('姓名王').subarray(0, 8), true],
    ['GBK', iconv.encode('记录编号,姓名,王伟', 'gbk'), false],
    ['a lone continuation byte', Buffer.from([0x61, 0x80]), false],
    ['an overlong form', Buffer.from([0xc0, 0xaf]), false],
  ])('%s', (_name, bytes, valid) => {
    expect(isValidUtf8(bytes)).toBe(valid)
  })

  it('carries nothing from one call into the next', () => {
    // a head ending in a lead byte, then one that is invalid, then a clean one: each judged alone
    expect(isValidUtf8(Buffer.from([0x61, 0xe4]))).toBe(true)
    expect(isValidUtf8(Buffer.from([0xb8, 0xad]))).toBe(false)
    expect(isValidUtf8(Buffer.from('中文'))).toBe(true)
    expect(isValidUtf8(Buffer.from([0xff]))).toBe(false)
    expect(isValidUtf8(Buffer.from('中文'))).toBe(true)
  })
})

describe('detectEncoding', () => {
  it('reads a BOM, valid UTF-8, or else GB18030', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61])).reason).toBe('bom')
    expect(detectEncoding(Buffer.from('王伟')).encoding).toBe('utf-8')
    expect(detectEncoding(iconv.encode('王伟', 'gbk')).encoding).toBe('gb18030')
    expect(detectEncoding(Buffer.from([0x61, 0xe4])).encoding).toBe('utf-8')
  })
})
