/**
 * COPY text collected as UTF-8 bytes rather than as a growing JS string. Concatenating ten thousand
 * lines into one string builds a rope whose every node outlives the young generation: the garbage
 * collector then spent a fifth of a large load copying them. Here each line string dies at once.
 */
export class CopyBuffer {
  private buf: Buffer
  private used = 0
  rows = 0

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes)
  }

  append(line: string): void {
    // a UTF-16 unit becomes at most 3 UTF-8 bytes
    const need = this.used + line.length * 3
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2))
      this.buf.copy(bigger, 0, 0, this.used)
      this.buf = bigger
    }
    this.used += this.buf.write(line, this.used, 'utf8')
    this.rows++
  }

  /**
   * One line from text encoded elsewhere (a worker thread's COPY bytes): an ASCII prefix, the bytes
   * [start, end) of `from`, an ASCII suffix. The short ASCII ends are written here byte by byte: a
   * call into Buffer's encoder for each cost more than the few bytes it wrote.
   */
  appendSpliced(prefix: string, from: Uint8Array, start: number, end: number, suffix: string): void {
    const need = this.used + prefix.length + (end - start) + suffix.length
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2))
      this.buf.copy(bigger, 0, 0, this.used)
      this.buf = bigger
    }
    const buf = this.buf
    let at = this.used
    for (let i = 0; i < prefix.length; i++) buf[at++] = prefix.charCodeAt(i)
    buf.set(from.subarray(start, end), at)
    at += end - start
    for (let i = 0; i < suffix.length; i++) buf[at++] = suffix.charCodeAt(i)
    this.used = at
    this.rows++
  }

  /** Empties the buffer for reuse, keeping the memory it grew to. */
  clear(): void {
    this.used = 0
    this.rows = 0
  }

  get bytes(): number {
    return this.used
  }

  /** The bytes so far (a view, valid until the next append). */
  view(): Buffer {
    return this.buf.subarray(0, this.used)
  }
}
