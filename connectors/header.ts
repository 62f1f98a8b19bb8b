import type { Column, Mapping } from './mapping-schema.ts'

/** How many leading rows may hold titles, notes or blank lines above the header. */
export const HEADER_SEARCH_ROWS = 20

/** Headers as clerks' systems write them: full-width, spaced, starred as required, with (必填) notes. */
export const headerKey = (text: string): string =>
  text
    .normalize('NFKC')
    .replace(/[\s\u200b\ufeff*:：]/g, '')
    .replace(/[(（](必填|选填|必输)[)）]$/, '')
    .toLowerCase()

export interface ColumnBinding {
  index: number // position in the file's row
  header: string // as written in the file
  column: Column
}

export interface HeaderMatch {
  /** index of the header row among the rows given */
  rowIndex: number
  bindings: ColumnBinding[]
  /** file columns no mapping column claims: kept with the raw record */
  unknown: Array<{ index: number; header: string }>
  /** required columns the header lacks */
  missingRequired: Column[]
}

const lookupFor = (mapping: Mapping): Map<string, Column> => {
  const byKey = new Map<string, Column>()
  for (const c of mapping.columns) {
    for (const h of [c.header, ...c.aliases]) byKey.set(headerKey(h), c)
  }
  return byKey
}

const matchRow = (
  cells: readonly string[],
  mapping: Mapping,
  lookup: Map<string, Column>,
): HeaderMatch & { score: number } => {
  const bindings: ColumnBinding[] = []
  const unknown: Array<{ index: number; header: string }> = []
  const taken = new Set<string>()
  cells.forEach((cell, index) => {
    const column = lookup.get(headerKey(cell))
    // the first column claiming a field wins; a second one (e.g. 身份证号 and 证件号码 both present) is kept raw
    if (column && !taken.has(column.field)) {
      taken.add(column.field)
      bindings.push({ index, header: cell, column })
    } else if (cell.trim() !== '') {
      unknown.push({ index, header: cell })
    }
  })
  const missingRequired = mapping.columns.filter((c) => c.required && !taken.has(c.field))
  return { rowIndex: -1, bindings, unknown, missingRequired, score: bindings.length }
}

/** Finds the header row among the first rows: the one naming most of the mapping's columns. */
export const findHeader = (rows: readonly (readonly string[])[], mapping: Mapping): HeaderMatch | null => {
  const lookup = lookupFor(mapping)
  let best: (HeaderMatch & { score: number }) | null = null
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((cells, rowIndex) => {
    const m = matchRow(cells, mapping, lookup)
    if (m.score >= 2 && (!best || m.score > best.score)) best = { ...m, rowIndex }
  })
  return best
}

/** Guesses the source from the headers when neither the caller nor the file name says. */
export const detectSource = (
  rows: readonly (readonly string[])[],
  mappings: readonly Mapping[],
): { mapping: Mapping; match: HeaderMatch } | null => {
  const scored = mappings
    .map((mapping) => {
      const match = findHeader(rows, mapping)
      // share of the mapping's columns present, so a small mapping is not beaten by a wide one's chance hits
      const share = match ? match.bindings.length / mapping.columns.length : 0
      return { mapping, match, share, hits: match?.bindings.length ?? 0 }
    })
    .filter((s) => s.match && s.hits >= 3 && s.match.missingRequired.length === 0)
    .sort((a, b) => b.share - a.share || b.hits - a.hits)
  const [first, second] = scored
  if (!first?.match) return null
  if (second && second.share === first.share && second.hits === first.hits) return null
  return { mapping: first.mapping, match: first.match }
}

/** The source named by a file name such as police.hukou.csv or police.hukou-2026-10.xlsx. */
export const sourceFromFileName = (fileName: string, mappings: readonly Mapping[]): Mapping | null => {
  const base = fileName.toLowerCase()
  const hits = mappings.filter(
    (m) =>
      base === m.source ||
      base.startsWith(`${m.source}.`) ||
      base.startsWith(`${m.source}-`) ||
      base.startsWith(`${m.source}_`),
  )
  return hits.sort((a, b) => b.source.length - a.source.length)[0] ?? null
}
