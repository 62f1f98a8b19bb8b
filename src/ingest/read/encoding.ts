import iconv from 'iconv-lite'
import { SanshiError } from '../../errors.ts'

export interface DetectedEncoding {
  /** An iconv-lite label. */
  encoding: string
  /** How the encoding was chosen, for the batch log. */
  reason: 'bom' | 'valid-utf8' | 'not-utf8' | 'given'
}

/**
 * BOM first; else the head decides: valid UTF-8 means UTF-8, anything else is read as GB18030, the
 * superset of GBK and GB2312 that Chinese office software writes. A UTF-8 file with GBK lines further down
 * is still read as UTF-8; the damaged cells surface as U+FFFD and the reader reports them per row.
 */
export function detectEncoding(head: Buffer, given?: string, file?: string): DetectedEncoding {
  if (given !== undefined) {
    if (!iconv.encodingExists(given)) {
      throw new SanshiError('SANSHI210', 'the requested text encoding is not supported', { file })
    }
    return { encoding: given, reason: 'given' }
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', reason: 'bom' }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', reason: 'bom' }
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', reason: 'bom' }
  return isValidUtf8(head)
    ? { encoding: 'utf-8', reason: 'valid-utf8' }
    : { encoding: 'gb18030', reason: 'not-utf8' }
}

/**
 * The head may end inside a multi-byte character; `stream: true` lets that last partial one pass. A
 * decoder per call: a shared one keeps that partial character, and flushing it throws.
 */
export function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
    return true
  } catch {
    return false
  }
}
