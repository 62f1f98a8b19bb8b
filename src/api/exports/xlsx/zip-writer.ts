import { promisify } from 'node:util'
import { constants, crc32, deflateRaw } from 'node:zlib'
import { SanshiError } from '../../../errors.ts'

const deflate = promisify(deflateRaw)

// Every entry carries 1980-01-01 00:00, the first time a zip can hold, so two runs of the same export
// give the same bytes (the CLI's file and the API's answer are compared byte for byte).
const DOS_DATE = (0 << 9) | (1 << 5) | 1
const DOS_TIME = 0
const FLAGS = 0x0808 // bit 3: sizes follow the data (it is streamed); bit 11: names are UTF-8
const DEFLATE = 8
const VERSION = 20 // 2.0: deflate, no zip64
const MAX_32 = 0xffffffff
// a deflate stream's last block, empty: ends the sync-flushed chunks written before it
const FINAL_BLOCK = Buffer.from([0x03, 0x00])

interface Entry {
  name: Buffer
  offset: number // of its local header
  crc: number
  size: number
  compressed: number
}

const tooLarge = (): never => {
  throw new SanshiError(
    'SANSHI101',
    'the export is too large for XLSX (a file of 4 GiB); ask for CSV or Arrow instead',
  )
}

/**
 * A streaming zip writer that hands back the bytes of each step instead of writing them, so its caller
 * pulls one chunk at a time. Each chunk is deflated on its own by zlib's native code (off the main
 * thread) and ends with a sync flush; concatenated, the chunks are one valid deflate stream. No zip64:
 * an entry stays under 4 GiB (the XLSX writer starts a new sheet before), and so must the whole file.
 */
export class ZipWriter {
  private offset = 0
  private readonly entries: Entry[] = []
  private current: Entry | undefined

  constructor(private readonly level: number) {}

  /** Uncompressed bytes written to the open entry so far. */
  get entrySize(): number {
    return this.current?.size ?? 0
  }

  begin(name: string): Buffer {
    if (this.current) throw new Error(`zip entry ${this.current.name.toString()} is still open`)
    if (this.offset > MAX_32) tooLarge()
    const nameBytes = Buffer.from(name)
    this.current = { name: nameBytes, offset: this.offset, crc: 0, size: 0, compressed: 0 }
    const h = Buffer.alloc(30)
    h.writeUInt32LE(0x04034b50, 0)
    h.writeUInt16LE(VERSION, 4)
    h.writeUInt16LE(FLAGS, 6)
    h.writeUInt16LE(DEFLATE, 8)
    h.writeUInt16LE(DOS_TIME, 10)
    h.writeUInt16LE(DOS_DATE, 12)
    // crc and sizes (14..25) stay 0: they follow in the data descriptor
    h.writeUInt16LE(nameBytes.length, 26)
    return this.emit(Buffer.concat([h, nameBytes]))
  }

  async write(data: Buffer): Promise<Buffer> {
    const entry = this.current
    if (!entry) throw new Error('no zip entry is open')
    if (data.length === 0) return Buffer.alloc(0)
    if (entry.size + data.length > MAX_32) tooLarge()
    entry.crc = crc32(data, entry.crc)
    entry.size += data.length
    const out = await deflate(data, { level: this.level, finishFlush: constants.Z_SYNC_FLUSH })
    entry.compressed += out.length
    if (entry.compressed > MAX_32) tooLarge()
    return this.emit(out)
  }

  /** Closes the open entry: the final deflate block, then its crc and sizes. */
  end(): Buffer {
    const entry = this.current
    if (!entry) throw new Error('no zip entry is open')
    entry.compressed += FINAL_BLOCK.length
    const d = Buffer.alloc(16)
    d.writeUInt32LE(0x08074b50, 0)
    d.writeUInt32LE(entry.crc, 4)
    d.writeUInt32LE(entry.compressed, 8)
    d.writeUInt32LE(entry.size, 12)
    this.entries.push(entry)
    this.current = undefined
    return this.emit(Buffer.concat([FINAL_BLOCK, d]))
  }

  /** One whole entry from a small in-memory text. */
  async entry(name: string, text: string): Promise<Buffer> {
    return Buffer.concat([this.begin(name), await this.write(Buffer.from(text)), this.end()])
  }

  /** The central directory and its end record; the archive is complete after these bytes. */
  close(): Buffer {
    if (this.current) throw new Error(`zip entry ${this.current.name.toString()} is still open`)
    const start = this.offset
    const headers = this.entries.map((e) => {
      const h = Buffer.alloc(46)
      h.writeUInt32LE(0x02014b50, 0)
      h.writeUInt16LE(VERSION, 4) // made by: MS-DOS, 2.0
      h.writeUInt16LE(VERSION, 6)
      h.writeUInt16LE(FLAGS, 8)
      h.writeUInt16LE(DEFLATE, 10)
      h.writeUInt16LE(DOS_TIME, 12)
      h.writeUInt16LE(DOS_DATE, 14)
      h.writeUInt32LE(e.crc, 16)
      h.writeUInt32LE(e.compressed, 20)
      h.writeUInt32LE(e.size, 24)
      h.writeUInt16LE(e.name.length, 28)
      // extra, comment, disk, attributes: 0
      h.writeUInt32LE(e.offset, 42)
      return Buffer.concat([h, e.name])
    })
    const directory = Buffer.concat(headers)
    if (start + directory.length > MAX_32) tooLarge()
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(this.entries.length, 8)
    end.writeUInt16LE(this.entries.length, 10)
    end.writeUInt32LE(directory.length, 12)
    end.writeUInt32LE(start, 16)
    return this.emit(Buffer.concat([directory, end]))
  }

  private emit(bytes: Buffer): Buffer {
    this.offset += bytes.length
    return bytes
  }
}
