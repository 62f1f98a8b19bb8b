import { describe, expect, it } from 'vitest'
import { Clusters, type Link } from '../../src/match/cluster.ts'

/** Clusters over records 0..n-1 with the anchors given by index (missing = none). */
const clusters = (n: number, anchors: Record<number, string> = {}) =>
  new Clusters(n, (i) => anchors[i] ?? null)

/** The partition as sorted member lists, sorted: independent of which record is the root. */
const partition = (c: Clusters): number[][] =>
  [...c.groups().values()]
    .map((g) => [...g].sort((a, b) => a - b))
    .sort((a, b) => (a[0] as number) - (b[0] as number))

const same = (c: Clusters, a: number, b: number) => c.find(a) === c.find(b)

describe('Clusters', () => {
  it('starts with every record alone', () => {
    const c = clusters(3)
    expect(partition(c)).toEqual([[0], [1], [2]])
    expect([0, 1, 2].map((i) => c.find(i))).toEqual([0, 1, 2])
  })

  it('joins transitively', () => {
    const c = clusters(6)
    expect(c.union(0, 1)).toBe(true)
    expect(c.union(2, 3)).toBe(true)
    expect(c.union(1, 3)).toBe(true)
    expect(c.union(0, 2)).toBe(true) // already one cluster
    expect(partition(c)).toEqual([[0, 1, 2, 3], [4], [5]])
  })

  it('keeps the larger cluster’s root', () => {
    const c = clusters(4)
    c.union(1, 2)
    c.union(1, 3)
    const root = c.find(1)
    c.union(0, 3)
    expect(c.find(0)).toBe(root)
  })

  it('keys groups by root, members in record order', () => {
    const c = clusters(5)
    c.union(4, 1)
    c.union(3, 0)
    const groups = c.groups()
    expect([...groups.values()]).toEqual([[0, 3], [1, 4], [2]])
    for (const [root, members] of groups) for (const i of members) expect(c.find(i)).toBe(root)
  })

  describe('anchors', () => {
    it.each([
      ['both anchored, different', { 0: 'A', 1: 'B' }, false, 'anchor'],
      ['both anchored, same', { 0: 'A', 1: 'A' }, true, null],
      ['one anchored', { 0: 'A' }, true, null],
      ['none anchored', {}, true, null],
    ] as const)('%s', (_, anchors, joins, why) => {
      const c = clusters(2, anchors)
      expect(c.conflict(0, 1)).toBe(why)
      expect(c.union(0, 1)).toBe(joins)
      expect(same(c, 0, 1)).toBe(joins)
    })

    it('guard a chain: a–x strong, x–b weak, a and b with different ids → b stays out', () => {
      const [a, x, b] = [0, 1, 2]
      const c = clusters(3, { [a]: 'ID-A', [b]: 'ID-B' })
      const joined = c.unionAll([
        { a: x, b, weight: 2 },
        { a, b: x, weight: 20 },
      ])
      expect(joined).toBe(1)
      expect(partition(c)).toEqual([[a, x], [b]])
      expect(c.conflict(x, b)).toBe('anchor')
    })

    it('pass the anchor on to the merged cluster, whichever root survives', () => {
      const c = clusters(5, { 0: 'A', 4: 'B' })
      c.union(1, 2)
      c.union(2, 3) // {1, 2, 3}, no anchor
      expect(c.union(0, 3)).toBe(true) // the smaller anchored cluster joins the larger
      expect(c.union(3, 4)).toBe(false)
      expect(c.conflict(1, 4)).toBe('anchor')
      expect(partition(c)).toEqual([[0, 1, 2, 3], [4]])
    })

    it('a steward’s force joins two anchors', () => {
      const c = clusters(2, { 0: 'A', 1: 'B' })
      expect(c.union(0, 1, true)).toBe(true)
      expect(same(c, 0, 1)).toBe(true)
      expect(c.conflict(0, 1)).toBeNull()
    })
  })

  describe('cannot-links', () => {
    it('block the two records', () => {
      const c = clusters(2)
      c.forbid(0, 1)
      expect(c.conflict(0, 1)).toBe('cannot-link')
      expect(c.conflict(1, 0)).toBe('cannot-link')
      expect(c.union(0, 1)).toBe(false)
      expect(c.union(1, 0, true)).toBe(false) // force does not override a cannot-link
      expect(partition(c)).toEqual([[0], [1]])
    })

    it('block the clusters holding them after both grow, from either side', () => {
      const c = clusters(6)
      c.forbid(0, 1)
      expect(c.union(0, 2)).toBe(true)
      expect(c.union(3, 2)).toBe(true) // {0, 2, 3}: the forbidding record is no longer alone
      expect(c.union(1, 4)).toBe(true)
      expect(c.union(5, 4)).toBe(true) // {1, 4, 5}
      for (const [a, b] of [
        [3, 5],
        [2, 4],
        [0, 5],
        [4, 3],
      ] as const) {
        expect(c.conflict(a, b)).toBe('cannot-link')
        expect(c.union(a, b)).toBe(false)
      }
      expect(partition(c)).toEqual([
        [0, 2, 3],
        [1, 4, 5],
      ])
    })

    it('block a chain through a third record', () => {
      const c = clusters(3)
      c.forbid(0, 2)
      expect(
        c.unionAll([
          { a: 0, b: 1, weight: 5 },
          { a: 1, b: 2, weight: 4 },
        ]),
      ).toBe(1)
      expect(partition(c)).toEqual([[0, 1], [2]])
    })

    it('stop a forced join of two unanchored clusters', () => {
      const c = clusters(3, { 0: 'A' })
      c.forbid(0, 1)
      expect(c.union(0, 2, true)).toBe(true)
      expect(c.union(1, 2, true)).toBe(false)
      expect(partition(c)).toEqual([[0, 2], [1]])
    })

    // a must-link overrides anchors but never a cannot-link: cannot-links are checked first
    it('stop a forced join even when the two clusters also have different anchors', () => {
      const c = clusters(3, { 0: 'A', 1: 'B' })
      c.forbid(0, 1)
      expect(c.union(0, 2, true)).toBe(true)
      expect(c.union(1, 2, true)).toBe(false)
    })

    it('forbidding two records already together changes nothing', () => {
      const c = clusters(2)
      c.union(0, 1)
      c.forbid(0, 1)
      expect(c.conflict(0, 1)).toBeNull()
      expect(c.union(0, 1)).toBe(true)
    })

    it('leave other records free to join', () => {
      const c = clusters(4)
      c.forbid(0, 1)
      expect(c.union(0, 2)).toBe(true)
      expect(c.union(1, 3)).toBe(true)
      expect(c.union(2, 1)).toBe(false)
      expect(partition(c)).toEqual([
        [0, 2],
        [1, 3],
      ])
    })
  })

  describe('unionAll', () => {
    it('joins strongest first, so the strong link wins the anchor race', () => {
      // x may go with a (ID-A) or b (ID-B); only the order of the weights decides
      const links = (wa: number, wb: number): Link[] => [
        { a: 0, b: 1, weight: wa },
        { a: 1, b: 2, weight: wb },
      ]
      const c1 = clusters(3, { 0: 'ID-A', 2: 'ID-B' })
      c1.unionAll(links(9, 3))
      expect(partition(c1)).toEqual([[0, 1], [2]])
      const c2 = clusters(3, { 0: 'ID-A', 2: 'ID-B' })
      c2.unionAll(links(3, 9))
      expect(partition(c2)).toEqual([[0], [1, 2]])
    })

    it('breaks ties by record numbers, whatever order the links come in', () => {
      const base: Link[] = [
        { a: 1, b: 2, weight: 5 },
        { a: 0, b: 1, weight: 5 },
        { a: 1, b: 3, weight: 5 },
      ]
      const results = [base, [...base].reverse(), [base[2], base[0], base[1]] as Link[]].map((links) => {
        const c = clusters(4, { 0: 'A', 2: 'B', 3: 'C' })
        const joined = c.unionAll(links.map((l) => ({ ...l })))
        return { joined, partition: partition(c) }
      })
      // (0, 1) first: 1 takes anchor A; (1, 2) and (1, 3) then conflict
      for (const r of results) expect(r).toEqual({ joined: 1, partition: [[0, 1], [2], [3]] })
    })

    it('counts only the links that joined two clusters or were already together', () => {
      const c = clusters(4, { 0: 'A', 3: 'B' })
      const joined = c.unionAll([
        { a: 0, b: 1, weight: 3 },
        { a: 1, b: 2, weight: 2 },
        { a: 0, b: 2, weight: 1 }, // already together: union answers true
        { a: 2, b: 3, weight: 0.5 }, // anchor conflict
      ])
      expect(joined).toBe(3)
      expect(partition(c)).toEqual([[0, 1, 2], [3]])
    })

    it('sorts the links it is given in place, strongest first', () => {
      const links: Link[] = [
        { a: 2, b: 3, weight: 1 },
        { a: 0, b: 1, weight: 7 },
        { a: 1, b: 2, weight: -2 },
      ]
      clusters(4).unionAll(links)
      expect(links.map((l) => l.weight)).toEqual([7, 1, -2])
    })
  })
})
