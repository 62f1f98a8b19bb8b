import { once } from 'node:events'
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Problem } from '../../schemas/problem.ts'

export interface RefusedRow {
  row: number
  recordId: string | null
  /** the raw record as JSON text, stored as it is (see MappedRow.rawJson) */
  rawJson: string
  problems: Problem[]
}

const SPOOL_WRITE = 64 * 1024

/**
 * Refused rows wait on disk until the batch's fate is known: they are stored whether the batch
 * commits or is refused whole, and a file of a million bad rows must not sit in memory.
 */
export class RefusedSpool {
  count = 0
  private pending = ''
  private constructor(
    private readonly dir: string,
    private readonly out: WriteStream,
  ) {}

  static async create(): Promise<RefusedSpool> {
    const dir = await mkdtemp(join(tmpdir(), 'sanshi-refused-'))
    const out = createWriteStream(join(dir, 'rows.ndjson'))
    // wait for the file to be open: a batch with no refused row disposes of the spool at once, and an
    // open still pending when dispose() removes the folder fails with ENOENT as an uncaught stream error
    await once(out, 'open')
    return new RefusedSpool(dir, out)
  }

  /**
   * Returns a promise only when the file stream asks the writer to wait. Lines are gathered into writes
   * of SPOOL_WRITE characters: a write per refused row was a system call each (0.6 s of a load that
   * refused 15,000 rows).
   */
  add(r: RefusedRow): Promise<void> | undefined {
    this.count++
    this.pending += `${JSON.stringify(r)}\n`
    if (this.pending.length < SPOOL_WRITE) return undefined
    return this.writePending()
  }

  private writePending(): Promise<void> | undefined {
    const text = this.pending
    this.pending = ''
    if (text === '' || this.out.write(text)) return undefined
    return new Promise<void>((resolve) => this.out.once('drain', () => resolve()))
  }

  async *rows(): AsyncIterable<RefusedRow> {
    await this.writePending()
    await new Promise<void>((resolve, reject) =>
      this.out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    )
    const lines = createInterface({
      input: createReadStream(join(this.dir, 'rows.ndjson'), 'utf8'),
      crlfDelay: Infinity,
    })
    for await (const line of lines) if (line !== '') yield JSON.parse(line) as RefusedRow
  }

  async dispose(): Promise<void> {
    this.out.destroy()
    await rm(this.dir, { recursive: true, force: true })
  }
}
