/**
 * Longest-prefix lookup of division names in a text. Names are bucketed by their first two
 * characters, so a lookup at one position is one Map get plus a few startsWith calls, whatever
 * the size of the list (41k streets).
 */
import type { Division } from './divisions.ts'

export interface NameEntry {
  name: string
  divisions: Division[]
  short: boolean // an abbreviation (江苏 for 江苏省): only trusted when a deeper name follows
}

export interface NameMatch {
  length: number
  divisions: Division[]
  short: boolean
}

export class NameIndex {
  private readonly buckets = new Map<string, NameEntry[]>()
  private readonly entries = new Map<string, NameEntry>()

  add(name: string, division: Division, short = false): void {
    if (name.length < 2) return
    const id = (short ? 's:' : 'f:') + name
    const known = this.entries.get(id)
    if (known) {
      if (!known.divisions.includes(division)) known.divisions.push(division)
      return
    }
    const entry: NameEntry = { name, divisions: [division], short }
    this.entries.set(id, entry)
    const key = name.slice(0, 2)
    const bucket = this.buckets.get(key)
    if (bucket) bucket.push(entry)
    else this.buckets.set(key, [entry])
  }

  /**
   * The longest name written at `pos` whose divisions pass `accept` (a full name beats an
   * abbreviation of the same length). Only the divisions that pass are returned.
   */
  longestAt(text: string, pos: number, accept?: (d: Division) => boolean): NameMatch | null {
    const bucket = this.buckets.get(text.slice(pos, pos + 2))
    if (!bucket) return null
    let best: NameMatch | null = null
    for (const entry of bucket) {
      const len = entry.name.length
      if (best && (len < best.length || (len === best.length && (entry.short || !best.short)))) continue
      if (!text.startsWith(entry.name, pos)) continue
      const divisions = accept ? entry.divisions.filter(accept) : entry.divisions
      if (divisions.length > 0) best = { length: len, divisions, short: entry.short }
    }
    return best
  }
}
