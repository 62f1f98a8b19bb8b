import { Transform, type TransformCallback } from 'node:stream'
import { SanshiError } from '../../errors.ts'

const LF = 0x0a

/**
 * Sits on the raw bytes before decoding and refuses a physical line longer than the limit, so one
 * endless line (a corrupt export, or a file with CR-less line ends glued together) fails fast instead of
 * growing the parser's buffer. Counts bytes, so it is exact for every encoding.
 */
export class LineLengthGuard extends Transform {
  private line = 1
  private lineBytes = 0

  constructor(
    private readonly maxLineBytes: number,
    private readonly file: string,
    /** bytes seen so far, read by the progress bar */
    private readonly counter: { bytes: number } = { bytes: 0 },
  ) {
    super()
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.counter.bytes += chunk.length
    let start = 0
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start)
      const end = lf === -1 ? chunk.length : lf
      this.lineBytes += end - start
      if (this.lineBytes > this.maxLineBytes) {
        done(
          new SanshiError(
            'SANSHI206',
            `line is longer than ${this.maxLineBytes} bytes`,
            { file: this.file, row: this.line },
            'check the line endings, or split the file',
          ),
        )
        return
      }
      if (lf === -1) break
      this.line++
      this.lineBytes = 0
      start = lf + 1
    }
    done(null, chunk)
  }
}
