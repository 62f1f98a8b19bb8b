import { describe, expect, it } from 'vitest'
import { assignIds } from '../../src/match/golden-ids.ts'

/** Previous ids by record number (missing = a new record). */
const was = (ids: Record<number, string>) => (i: number) => ids[i] ?? null

/** Mints N1, N2, … in call order. */
const minter = () => {
  let k = 0
  return () => `N${++k}`
}

describe('assignIds', () => {
  it('keeps every id when nothing moved', () => {
    const r = assignIds(
      [[0, 1, 2], [3, 4], [5]],
      was({ 0: 'P1', 1: 'P1', 2: 'P1', 3: 'P2', 4: 'P2', 5: 'P3' }),
      minter(),
    )
    expect(r).toEqual({ ids: ['P1', 'P2', 'P3'], redirects: [], lineage: [] })
  })

  it('mints ids for clusters of new records, in cluster order', () => {
    const r = assignIds([[0], [1, 2], [3]], was({ 1: 'P1' }), minter())
    expect(r).toEqual({ ids: ['N1', 'P1', 'N2'], redirects: [], lineage: [] })
  })

  it('gives no id twice and calls mint once per new cluster', () => {
    let calls = 0
    const r = assignIds([[0], [1], [2], [3]], was({}), () => `M${++calls}`)
    expect(r.ids).toEqual(['M1', 'M2', 'M3', 'M4'])
    expect(calls).toBe(4)
  })

  it('keeps the id most members held', () => {
    // a new record and one from P2 joined P1's two records
    const r = assignIds(
      [
        [0, 1, 2, 3],
        [4, 5],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P2', 4: 'P2', 5: 'P2' }),
      minter(),
    )
    expect(r).toEqual({ ids: ['P1', 'P2'], redirects: [], lineage: [] })
  })

  it('gives a contested id to the cluster holding more of its members', () => {
    // P1's records split 1 : 3; the bigger part keeps P1, the smaller gets a new id with its lineage
    const r = assignIds([[0], [1, 2, 3]], was({ 0: 'P1', 1: 'P1', 2: 'P1', 3: 'P1' }), minter())
    expect(r).toEqual({
      ids: ['N1', 'P1'],
      redirects: [],
      lineage: [{ parent: 'P1', child: 'N1', event: 'split' }],
    })
  })

  it('redirects a merged-away id to the survivor, with merge lineage', () => {
    const r = assignIds([[0, 1, 2, 3, 4]], was({ 0: 'P1', 1: 'P1', 2: 'P1', 3: 'P2', 4: 'P2' }), minter())
    expect(r).toEqual({
      ids: ['P1'],
      redirects: [{ from: 'P2', to: 'P1' }],
      lineage: [{ parent: 'P2', child: 'P1', event: 'merge' }],
    })
  })

  it('redirects several merged ids, sorted by id', () => {
    const r = assignIds(
      [[0, 1, 2, 3, 4, 5]],
      was({ 0: 'P9', 1: 'P3', 2: 'P1', 3: 'P1', 4: 'P1', 5: 'P7' }),
      minter(),
    )
    expect(r.ids).toEqual(['P1'])
    expect(r.redirects).toEqual([
      { from: 'P3', to: 'P1' },
      { from: 'P7', to: 'P1' },
      { from: 'P9', to: 'P1' },
    ])
    expect(r.lineage.map((l) => [l.parent, l.child, l.event])).toEqual([
      ['P3', 'P1', 'merge'],
      ['P7', 'P1', 'merge'],
      ['P9', 'P1', 'merge'],
    ])
  })

  it('redirects a merged id to the cluster holding most of its members', () => {
    // P2 lost to P1 in cluster 0 and to P3 in cluster 1; most of its members went to cluster 1
    const r = assignIds(
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7, 8],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P1', 3: 'P2', 4: 'P3', 5: 'P3', 6: 'P3', 7: 'P2', 8: 'P2' }),
      minter(),
    )
    expect(r.ids).toEqual(['P1', 'P3'])
    expect(r.redirects).toEqual([{ from: 'P2', to: 'P3' }])
    expect(r.lineage).toEqual([{ parent: 'P2', child: 'P3', event: 'merge' }])
  })

  it('redirects a merged id split evenly between two clusters to the earlier one', () => {
    const r = assignIds(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P2', 3: 'P3', 4: 'P3', 5: 'P2' }),
      minter(),
    )
    expect(r.ids).toEqual(['P1', 'P3'])
    expect(r.redirects).toEqual([{ from: 'P2', to: 'P1' }])
  })

  it('records a split child once per parent it came from, parents sorted', () => {
    // cluster 2 holds one record of P1 and one of P2, both ids kept elsewhere
    const r = assignIds(
      [
        [0, 1],
        [2, 3],
        [4, 5, 6],
      ],
      was({ 0: 'P2', 1: 'P2', 2: 'P1', 3: 'P1', 4: 'P2', 5: 'P1' }),
      minter(),
    )
    expect(r.ids).toEqual(['P2', 'P1', 'N1'])
    expect(r.redirects).toEqual([])
    expect(r.lineage).toEqual([
      { parent: 'P1', child: 'N1', event: 'split' },
      { parent: 'P2', child: 'N1', event: 'split' },
    ])
  })

  it('records both a merge and a split in one re-match', () => {
    // P1 and P2 merged into one cluster, while two records of P1 split off
    const r = assignIds(
      [
        [0, 1, 2, 3, 6],
        [4, 5],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P2', 3: 'P2', 4: 'P1', 5: 'P1', 6: 'P1' }),
      minter(),
    )
    // P1 stays with three of its records, so P2 has nowhere to go
    expect(r.ids).toEqual(['P1', 'N1'])
    expect(r.redirects).toEqual([{ from: 'P2', to: 'P1' }])
    expect(r.lineage).toEqual([
      { parent: 'P1', child: 'N1', event: 'split' },
      { parent: 'P2', child: 'P1', event: 'merge' },
    ])
  })

  it('on a tie, an id stays with its records that stayed among themselves', () => {
    // P1 split 2 : 2, one half joined P2's records: the half alone keeps P1, the merged half keeps P2
    const r = assignIds(
      [
        [0, 1, 2, 3],
        [4, 5],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P2', 3: 'P2', 4: 'P1', 5: 'P1' }),
      minter(),
    )
    expect(r).toEqual({ ids: ['P2', 'P1'], redirects: [], lineage: [] })
  })

  it('lets a cluster take its second-best id when its best went elsewhere', () => {
    const r = assignIds(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      was({ 0: 'P1', 1: 'P1', 2: 'P1', 3: 'P1', 4: 'P1', 5: 'P2' }),
      minter(),
    )
    expect(r).toEqual({ ids: ['P1', 'P2'], redirects: [], lineage: [] })
  })

  describe('determinism', () => {
    /** The id each cluster got, keyed by its sorted members: comparable across cluster orders. */
    const byMembers = (clusters: number[][], ids: string[]) =>
      Object.fromEntries(clusters.map((c, k) => [[...c].sort((a, b) => a - b).join(','), ids[k]]))

    it('ties on count go to the smaller id, whatever the cluster order', () => {
      // cluster {0, 1, 2, 3} could keep P1 or P2 (two each); {4, 5} holds P2 only
      const previous = was({ 0: 'P2', 1: 'P2', 2: 'P1', 3: 'P1', 4: 'P2', 5: 'P2' })
      const orders = [
        [
          [0, 1, 2, 3],
          [4, 5],
        ],
        [
          [4, 5],
          [3, 2, 1, 0],
        ],
      ]
      for (const clusters of orders) {
        const r = assignIds(clusters, previous, minter())
        expect(byMembers(clusters, r.ids)).toEqual({ '0,1,2,3': 'P1', '4,5': 'P2' })
        expect(r.redirects).toEqual([])
        expect(r.lineage).toEqual([])
      }
    })

    it('gives the same answer for the same input', () => {
      const clusters = [[0, 1], [2, 3, 4], [5], [6, 7]]
      const previous = was({ 0: 'P1', 2: 'P1', 3: 'P2', 4: 'P3', 6: 'P3', 7: 'P2' })
      expect(assignIds(clusters, previous, minter())).toEqual(assignIds(clusters, previous, minter()))
    })

    it('a tie on count goes to the cluster that took in fewer other records, whatever the order', () => {
      // P1 held records 0 and 1; a new record 2 drew 1 away: {0} is still P1, {1, 2} is someone new
      const previous = was({ 0: 'P1', 1: 'P1' })
      for (const clusters of [
        [[1, 2], [0]],
        [[0], [1, 2]],
      ]) {
        const r = assignIds(clusters, previous, minter())
        expect(byMembers(clusters, r.ids)).toEqual({ '0': 'P1', '1,2': 'N1' })
        expect(r.lineage).toEqual([{ parent: 'P1', child: 'N1', event: 'split' }])
      }
    })

    it('an exact tie (one id, same count in two clusters) goes to the earlier cluster', () => {
      // the engine passes clusters ordered by their smallest record (Clusters.groups()), so this is stable
      const previous = was({ 0: 'P1', 1: 'P1' })
      expect(assignIds([[0], [1]], previous, minter()).ids).toEqual(['P1', 'N1'])
      expect(assignIds([[1], [0]], previous, minter()).ids).toEqual(['P1', 'N1'])
    })
  })

  it('handles no clusters', () => {
    expect(assignIds([], was({}), minter())).toEqual({ ids: [], redirects: [], lineage: [] })
  })
})
