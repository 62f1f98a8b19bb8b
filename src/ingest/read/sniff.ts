import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { SanshiError } from '../../errors.ts'
import type { TableFormat } from './types.ts'

/** Enough bytes to decide the format, the encoding and the delimiter without reading the whole file. */
export const HEAD_BYTES = 256 * 1024
const BINARY_CHECK_BYTES = 64 * 1024
/** Text tables hold almost no control bytes; binary files hold many. */
const MAX_CONTROL_SHARE = 0.01

export interface Sniffed {
  format: TableFormat
  /** The first HEAD_BYTES of the file (fewer if the file is shorter). */
  head: Buffer
  size: number
}

export async function readHead(path: string): Promise<{ head: Buffer; size: number }> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES))
    let filled = 0
    while (filled < head.length) {
      const { bytesRead } = await handle.read(head, filled, head.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return { head: head.subarray(0, filled), size }
  } finally {
    await handle.close()
  }
}

/** Decides the format by content: departments rename files freely, so the extension is only a hint. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const { head, size } = await readHead(path)
  const file = basename(path)
  if (size === 0) throw new SanshiError('SANSHI202', 'the file is empty', { file })
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return { format: 'xlsx', head, size }
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { format: 'xls', head, size }
  if (hasUtf16Bom(head)) return { format: 'csv', head, size }
  if (looksBinary(head.subarray(0, BINARY_CHECK_BYTES))) {
    throw new SanshiError('SANSHI201', 'not a text table: the file holds binary data', { file })
  }
  if (looksLikeHtml(head)) {
    // Many systems "export to Excel" by writing an HTML table into a file named .xls.
    throw new SanshiError(
      'SANSHI201',
      'not a text table: the file is a web page (HTML)',
      { file },
      'open it in Excel and save it as .xlsx or .csv',
    )
  }
  return { format: 'csv', head, size }
}

function startsWith(buf: Buffer, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((byte, i) => buf[i] === byte)
}

function hasUtf16Bom(buf: Buffer): boolean {
  return startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])
}

function looksBinary(buf: Buffer): boolean {
  if (buf.includes(0)) return true
  let control = 0
  for (const byte of buf) {
    // Tab, LF, CR, form feed and Ctrl-Z (an old DOS end-of-file mark) do occur in text exports.
    if (
      (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1a) ||
      byte === 0x7f
    ) {
      control++
    }
  }
  return control > buf.length * MAX_CONTROL_SHARE
}

function looksLikeHtml(buf: Buffer): boolean {
  const start = buf.subarray(0, 1024).toString('latin1').trimStart().toLowerCase()
  return start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<table')
}
