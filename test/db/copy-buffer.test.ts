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

  it('is empty until a line arrives', () => {
    const buf = new CopyBuffer()
    expect(buf.bytes).toBe(0)
    expect(buf.view().length).toBe(0)
  })
})
