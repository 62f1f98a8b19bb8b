/**
 * Clustering over judged pairs: connected components, built strongest link first, guarded. Each
 * record may carry an anchor (a valid resident id, a credit code); two clusters whose anchors share
 * none never join, so a chain of weak links cannot glue two people with different ids together.
 * Steward must-links are applied first and override anchors (the cluster then holds both ids, and
 * records with either may join it); cannot-links block any join between the clusters that hold their
 * two records, must-links included.
 */

export interface Link {
  a: number
  b: number
  weight: number
}

export class Clusters {
  private readonly parent: Int32Array
  private readonly size: Int32Array
  private readonly anchors: (Set<string> | null)[]
  private readonly cannot = new Map<number, Set<number>>() // root → records it may not join

  constructor(n: number, anchors: (i: number) => string | null) {
    this.parent = new Int32Array(n)
    this.size = new Int32Array(n).fill(1)
    this.anchors = new Array<Set<string> | null>(n)
    for (let i = 0; i < n; i++) {
      this.parent[i] = i
      const a = anchors(i)
      this.anchors[i] = a === null ? null : new Set([a])
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
    if (this.blocks(ra, rb) || this.blocks(rb, ra)) return 'cannot-link'
    const x = this.anchors[ra]
    const y = this.anchors[rb]
    if (x && y && !shares(x, y)) return 'anchor'
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
    const moving = this.anchors[rb]
    if (moving) {
      const kept = this.anchors[ra]
      if (kept) for (const a of moving) kept.add(a)
      else this.anchors[ra] = moving
      this.anchors[rb] = null
    }
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

function shares(x: Set<string>, y: Set<string>): boolean {
  const [small, big] = x.size <= y.size ? [x, y] : [y, x]
  for (const a of small) if (big.has(a)) return true
  return false
}
