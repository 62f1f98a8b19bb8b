/**
 * Just enough ZIP to read an XLSX safely: the central directory from the end of the file, then one entry
 * at a time inflated in small steps, so every cap (entry count, total inflated bytes, ratio per entry,
 * size per entry) is checked as the bytes come out and reading stops the moment one is passed.
 */
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { Inflate } from 'fflate'
import { SanshiError } from '../../../errors.ts'
import type { ReadLimits } from '../types.ts'

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_MIN = 22
const MAX_COMMENT = 0xffff
/** Compressed bytes read per step: deflate expands at most ~1032×, so one step inflates ≤ ~16 MB. */
const READ_STEP = 16 * 1024
/** Small parts may legitimately compress better than the ratio cap; the cap applies past this size. */
const RATIO_SLACK_BYTES = 1024 * 1024

export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

export class ZipReader {
  private inflatedTotal = 0

  private constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
    /** Keyed by lower-cased part name: OPC part names are case-insensitive. */
    readonly entries: Map<string, ZipEntry>,
    readonly limits: ReadLimits,
    private readonly file: string,
  ) {}

  static async open(path: string, file: string, limits: ReadLimits): Promise<ZipReader> {
    const handle = await open(path, 'r')
    try {
      const { size } = await handle.stat()
      const entries = await readCentralDirectory(handle, size, file, limits)
      return new ZipReader(handle, size, entries, limits, file)
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  get(name: string): ZipEntry | undefined {
    return this.entries.get(name.replace(/^\/+/, '').toLowerCase())
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  /** Yields the entry's inflated bytes in pieces; `maxBytes` caps this entry on top of the global caps. */
  async *stream(entry: ZipEntry, maxBytes: number): AsyncGenerator<Uint8Array> {
    if (entry.flags & 1)
      throw this.refuse('the workbook is encrypted', 'remove the password and save it again')
    if (entry.method !== 0 && entry.method !== 8)
      throw this.refuse('the workbook uses an unsupported compression')
    const local = Buffer.alloc(30)
    await this.readExactly(local, entry.localHeaderOffset)
    if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) throw this.refuse('the workbook zip is damaged')
    let position = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
    const end = position + entry.compressedSize
    if (end > this.fileSize) throw this.refuse('the workbook zip is truncated')

    let inflated = 0
    let pending: Uint8Array[] = []
    const account = (bytes: number) => {
      inflated += bytes
      this.inflatedTotal += bytes
      if (this.inflatedTotal > this.limits.maxInflatedBytes) {
        throw this.refuse(`the workbook inflates to more than ${this.limits.maxInflatedBytes} bytes`)
      }
      if (inflated > maxBytes) throw this.refuse(`the part ${entry.name} is larger than allowed`)
      if (inflated > entry.size) throw this.refuse('the workbook zip declares false sizes')
      if (inflated > RATIO_SLACK_BYTES && inflated > entry.compressedSize * this.limits.maxCompressionRatio) {
        throw this.refuse('the workbook is compressed suspiciously well (zip bomb)')
      }
    }
    const inflater =
      entry.method === 8
        ? new Inflate((chunk) => {
            account(chunk.length)
            pending.push(chunk)
          })
        : undefined
    const buffer = Buffer.alloc(READ_STEP)
    while (position < end) {
      const length = Math.min(READ_STEP, end - position)
      const piece = buffer.subarray(0, length)
      await this.readExactly(piece, position)
      position += length
      if (inflater) {
        try {
          inflater.push(piece, position >= end)
        } catch (error) {
          if (error instanceof SanshiError) throw error
          throw this.refuse('the workbook zip is damaged')
        }
      } else {
        account(length)
        pending.push(Uint8Array.from(piece))
      }
      const out = pending
      pending = []
      yield* out
    }
  }

  /** Reads a whole (small) part as text, for the workbook, its relationships and the styles. */
  async text(entry: ZipEntry, maxBytes: number): Promise<string> {
    const decoder = new TextDecoder('utf-8')
    let out = ''
    for await (const chunk of this.stream(entry, maxBytes)) out += decoder.decode(chunk, { stream: true })
    return out + decoder.decode()
  }

  refuse(message: string, hint?: string): SanshiError {
    return new SanshiError('SANSHI207', message, { file: this.file }, hint)
  }

  private async readExactly(target: Buffer, position: number): Promise<void> {
    let filled = 0
    while (filled < target.length) {
      const { bytesRead } = await this.handle.read(target, filled, target.length - filled, position + filled)
      if (bytesRead === 0) throw this.refuse('the workbook zip is truncated')
      filled += bytesRead
    }
  }
}

async function readCentralDirectory(
  handle: FileHandle,
  size: number,
  file: string,
  limits: ReadLimits,
): Promise<Map<string, ZipEntry>> {
  const refuse = (message: string) => new SanshiError('SANSHI207', message, { file })
  const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT)
  const tail = Buffer.alloc(tailLength)
  await handle.read(tail, 0, tailLength, size - tailLength)
  let eocd = -1
  for (let i = tailLength - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw refuse('not a readable workbook: the zip directory is missing')
  const count = tail.readUInt16LE(eocd + 10)
  const directorySize = tail.readUInt32LE(eocd + 12)
  const directoryOffset = tail.readUInt32LE(eocd + 16)
  if (count === 0xffff || directoryOffset === 0xffffffff) throw refuse('ZIP64 workbooks are not supported')
  if (count > limits.maxZipEntries)
    throw refuse(`the workbook zip holds more than ${limits.maxZipEntries} entries`)
  // Each directory record is at most 46 fixed bytes plus three 64 KB variable fields.
  if (directoryOffset + directorySize > size || directorySize > count * (46 + 3 * 0xffff)) {
    throw refuse('the workbook zip directory is damaged')
  }
  const directory = Buffer.alloc(directorySize)
  await handle.read(directory, 0, directorySize, directoryOffset)

  const entries = new Map<string, ZipEntry>()
  let at = 0
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw refuse('the workbook zip directory is damaged')
    }
    const nameLength = directory.readUInt16LE(at + 28)
    const name = directory
      .subarray(at + 46, at + 46 + nameLength)
      .toString('utf8')
      .replace(/\\/g, '/')
      .replace(/^\/+/, '')
    const entry: ZipEntry = {
      name,
      flags: directory.readUInt16LE(at + 8),
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localHeaderOffset: directory.readUInt32LE(at + 42),
    }
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff)
      throw refuse('ZIP64 workbooks are not supported')
    entries.set(name.toLowerCase(), entry)
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32)
  }
  return entries
}
