/**
 * Clustering over judged pairs: connected components, built strongest link first, guarded. Each
 * record may carry an anchor (a valid resident id, a credit code); two clusters with different
 * anchors never join, so a chain of weak links cannot glue two people with different ids together.
 * Steward must-links are applied first and override anchors; cannot-links block any join between
 * the clusters that hold their two records.
 */

export interface Link {
  a: number
  b: number
  weight: number
}

export class Clusters {
  private readonly parent: Int32Array
  private readonly size: Int32Array
  private readonly anchor: (string | null)[]
  private readonly cannot = new Map<number, Set<number>>() // root → records it may not join

  constructor(n: number, anchors: (i: number) => string | null) {
    this.parent = new Int32Array(n)
    this.size = new Int32Array(n).fill(1)
    this.anchor = new Array<string | null>(n)
    for (let i = 0; i < n; i++) {
      this.parent[i] = i
      this.anchor[i] = anchors(i)
    }
  }

  find(i: number): number {
    let r = i
    while (this.parent[r] !== r) r = this.parent[r] as number
    while (this.parent[i] !== r) {
      const next = this.parent[i] as number
      this.parent[i] = r
      i = next
    }
    return r
  }

  /** A steward's cannot-link between records a and b. */
  forbid(a: number, b: number): void {
    this.forbidRoot(this.find(a), b)
    this.forbidRoot(this.find(b), a)
  }

  private forbidRoot(root: number, other: number): void {
    let set = this.cannot.get(root)
    if (!set) this.cannot.set(root, (set = new Set()))
    set.add(other)
  }

  /** Why a and b may not join, or null when they may. */
  conflict(a: number, b: number): 'anchor' | 'cannot-link' | null {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return null
    const x = this.anchor[ra]
    const y = this.anchor[rb]
    if (x && y && x !== y) return 'anchor'
    if (this.blocks(ra, rb) || this.blocks(rb, ra)) return 'cannot-link'
    return null
  }

  private blocks(root: number, other: number): boolean {
    const set = this.cannot.get(root)
    if (!set) return false
    for (const r of set) if (this.find(r) === other) return true
    return false
  }

  /** Join unless guarded; `force` (a steward's must-link) ignores anchors but not cannot-links. */
  union(a: number, b: number, force = false): boolean {
    let ra = this.find(a)
    let rb = this.find(b)
    if (ra === rb) return true
    const why = this.conflict(a, b)
    if (why === 'cannot-link' || (why === 'anchor' && !force)) return false
    if ((this.size[ra] as number) < (this.size[rb] as number)) [ra, rb] = [rb, ra]
    this.parent[rb] = ra
    this.size[ra] = (this.size[ra] as number) + (this.size[rb] as number)
    this.anchor[ra] ??= this.anchor[rb] ?? null
    const moved = this.cannot.get(rb)
    if (moved) {
      for (const r of moved) this.forbidRoot(ra, r)
      this.cannot.delete(rb)
    }
    return true
  }

  /** Links in order of weight, strongest first (ties by record numbers, so the result is deterministic). */
  unionAll(links: Link[]): number {
    links.sort((p, q) => q.weight - p.weight || p.a - q.a || p.b - q.b)
    let joined = 0
    for (const l of links) if (this.union(l.a, l.b)) joined++
    return joined
  }

  /** Members of each cluster, keyed by root. */
  groups(): Map<number, number[]> {
    const out = new Map<number, number[]>()
    for (let i = 0; i < this.parent.length; i++) {
      const r = this.find(i)
      const g = out.get(r)
      if (g) g.push(i)
      else out.set(r, [i])
    }
    return out
  }
}
