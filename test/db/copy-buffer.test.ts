import { describe, expect, it } from 'vitest'
import { CopyBuffer } from '../../src/db/copy-buffer.ts'

describe('CopyBuffer', () => {
  it('collects lines as UTF-8, growing past its first size', () => {
    const buf = new CopyBuffer(4)
    const lines = ['a\tb\n', '王伟\t贡院街12号\n', '😀\t\\N\n', `${'长'.repeat(1000)}\n`]
    for (const l of lines) buf.append(l)
    expect(buf.rows).toBe(4)
    expect(buf.view().toString('utf8')).toBe(lines.join(''))
    expect(buf.bytes).toBe(Buffer.byteLength(lines.join('')))
  })

  it('splices a line from bytes encoded elsewhere between an ASCII prefix and suffix, growing as needed', () => {
    const buf = new CopyBuffer(4)
    buf.append('1\ta\n')
    const elsewhere = Buffer.from('xx王伟\t贡院街12号yy', 'utf8')
    buf.appendSpliced('42\t', elsewhere, 2, elsewhere.length - 2, '\t7\n')
    buf.appendSpliced('43\t', elsewhere, 2, 2, '\n')
    expect(buf.rows).toBe(3)
    expect(buf.view().toString('utf8')).toBe('1\ta\n42\t王伟\t贡院街12号\t7\n43\t\n')
  })

  it('is empty until a line arrives', () => {
    const buf = new CopyBuffer()
    expect(buf.bytes).toBe(0)
    expect(buf.view().length).toBe(0)
  })

  it('starts again from nothing when cleared, keeping the memory it grew to', () => {
    const buf = new CopyBuffer(4)
    buf.append(`${'长'.repeat(100)}\n`)
    const grown = buf.view().buffer.byteLength
    buf.clear()
    expect(buf.rows).toBe(0)
    expect(buf.bytes).toBe(0)
    buf.append('1\ta\n')
    expect(buf.view().toString('utf8')).toBe('1\ta\n')
    expect(buf.view().buffer.byteLength).toBe(grown)
  })
})
