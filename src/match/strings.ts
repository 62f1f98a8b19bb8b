/**
 * String similarity by character, never by byte: 张伟 vs 张玮 is one edit, not three (DuckDB counts
 * UTF-8 bytes). Names are short, so the quadratic forms here cost less than any index would.
 */

const chars = (s: string): string[] => Array.from(s)

/** Levenshtein distance over Unicode code points, stopping early once it passes `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0
  const x = chars(a)
  const y = chars(b)
  if (Math.abs(x.length - y.length) > max) return max + 1
  let prev = new Array<number>(y.length + 1)
  let cur = new Array<number>(y.length + 1)
  for (let j = 0; j <= y.length; j++) prev[j] = j
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i
    let rowMin = i
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > max) return max + 1
    ;[prev, cur] = [cur, prev]
  }
  return Math.min(prev[y.length] as number, max + 1)
}

/** Jaro–Winkler similarity over code points (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1
  const x = chars(a)
  const y = chars(b)
  if (x.length === 0 || y.length === 0) return 0
  const window = Math.max(0, Math.floor(Math.max(x.length, y.length) / 2) - 1)
  const xMatched = new Uint8Array(x.length)
  const yMatched = new Uint8Array(y.length)
  let matches = 0
  for (let i = 0; i < x.length; i++) {
    const lo = Math.max(0, i - window)
    const hi = Math.min(y.length - 1, i + window)
    for (let j = lo; j <= hi; j++) {
      if (yMatched[j] || x[i] !== y[j]) continue
      xMatched[i] = 1
      yMatched[j] = 1
      matches++
      break
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < x.length; i++) {
    if (!xMatched[i]) continue
    while (!yMatched[k]) k++
    if (x[i] !== y[k]) transpositions++
    k++
  }
  const m = matches
  const jaro = (m / x.length + m / y.length + (m - transpositions / 2) / m) / 3
  let prefix = 0
  while (prefix < 4 && prefix < x.length && prefix < y.length && x[prefix] === y[prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

/** Positions at which two equal-length strings differ (Infinity when the lengths differ). */
export function hamming(a: string, b: string): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY
  let d = 0
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) d++
  return d
}
