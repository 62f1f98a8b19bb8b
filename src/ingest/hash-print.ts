/**
 * Numbers cut from a row's content hash (RowMapper.rowHash: base64 text of a SHA-1), for the tables that
 * keep a print of the hash in typed arrays instead of its text (first-seen.ts, known-records.ts).
 */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const SEXTET = new Uint8Array(128)
for (let i = 0; i < BASE64.length; i++) SEXTET[BASE64.charCodeAt(i)] = i

/** The 6 bits of each of `chars` base64 characters from `from`, as one number: at most 5 (30 bits, an int). */
export function hashPrint(hash: string, from: number, chars: number): number {
  if (chars > 5) throw new RangeError(`hashPrint: ${chars} characters pass 30 bits`)
  let v = 0
  for (let i = from; i < from + chars; i++) v = (v << 6) | SEXTET[hash.charCodeAt(i) & 127]!
  return v
}
