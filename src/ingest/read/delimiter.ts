const CANDIDATES = [',', '\t', ';'] as const
export type Delimiter = (typeof CANDIDATES)[number]
const SAMPLE_LINES = 30

/**
 * Counts each candidate outside quotes on the first lines and takes the most frequent, comma on a tie
 * (a one-column file has none at all). Quote state carries across lines, as fields may hold newlines.
 */
export function detectDelimiter(sample: string): Delimiter {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]))
  let inQuotes = false
  let lines = 0
  for (let i = 0; i < sample.length && lines < SAMPLE_LINES; i++) {
    const ch = sample[i]!
    if (ch === '"')
      inQuotes = !inQuotes // a doubled quote toggles twice: no net change
    else if (inQuotes) continue
    else if (ch === '\n') lines++
    else if (counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
  }
  let best: Delimiter = ','
  for (const candidate of CANDIDATES) {
    if (counts.get(candidate)! > counts.get(best)!) best = candidate
  }
  return best
}
