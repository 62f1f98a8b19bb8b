/**
 * Stable golden ids across re-matches. Each new cluster keeps the previous id most of its members
 * held, greedily by member count, so an id stays with the bulk of its records; on a tie, with the part
 * that took in fewer other records (a new record that pulled one of a person's two records away is not
 * that person, and must not take their id with it). A previous id no
 * cluster kept was merged away: it redirects to the cluster holding most of its members. A cluster
 * that gets a fresh id while its members held an id kept elsewhere was split off: lineage records it.
 */

export interface IdAssignment {
  ids: string[]
  redirects: { from: string; to: string }[]
  lineage: { parent: string; child: string; event: 'split' | 'merge' }[]
}

export function assignIds(
  clusters: readonly (readonly number[])[],
  previous: (member: number) => string | null,
  mint: () => string,
): IdAssignment {
  const counts: Map<string, number>[] = clusters.map((members) => {
    const m = new Map<string, number>()
    for (const i of members) {
      const p = previous(i)
      if (p !== null) m.set(p, (m.get(p) ?? 0) + 1)
    }
    return m
  })
  const claims: { c: number; id: string; n: number; others: number }[] = []
  counts.forEach((m, c) => {
    const size = (clusters[c] as readonly number[]).length
    for (const [id, n] of m) claims.push({ c, id, n, others: size - n })
  })
  claims.sort((a, b) => b.n - a.n || a.others - b.others || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.c - b.c))
  const ids = new Array<string | undefined>(clusters.length)
  const taken = new Set<string>()
  for (const { c, id } of claims) {
    if (ids[c] !== undefined || taken.has(id)) continue
    ids[c] = id
    taken.add(id)
  }
  const out: IdAssignment = { ids: [], redirects: [], lineage: [] }
  for (let c = 0; c < clusters.length; c++) {
    let id = ids[c]
    if (id === undefined) {
      id = mint()
      ids[c] = id
      for (const parent of [...(counts[c] as Map<string, number>).keys()].sort())
        if (taken.has(parent)) out.lineage.push({ parent, child: id, event: 'split' })
    }
    out.ids.push(id)
  }
  // previous ids that no cluster kept: merged into the cluster holding most of their members
  const bestHome = new Map<string, { c: number; n: number }>()
  counts.forEach((m, c) => {
    for (const [id, n] of m) {
      if (taken.has(id)) continue
      const b = bestHome.get(id)
      if (!b || n > b.n) bestHome.set(id, { c, n })
    }
  })
  for (const [from, { c }] of [...bestHome].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const to = out.ids[c] as string
    out.redirects.push({ from, to })
    out.lineage.push({ parent: from, child: to, event: 'merge' })
  }
  return out
}
