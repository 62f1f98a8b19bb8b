import { describe, expect, it } from 'vitest'
import { Rng } from '../../fixtures/generator/random.ts'
import {
  ConflictingMentionError,
  type EntityType,
  evaluate,
  type LinkRow,
  type TypeEvaluation,
} from '../../src/match/evaluate.ts'

/** Mentions m1, m2, … of one made-up source, grouped: {A: [1, 2], B: [3]} → rows. */
const rows = (
  groups: Record<string, number[]>,
  entityType: EntityType = 'person',
  role = 'person',
): LinkRow[] =>
  Object.entries(groups).flatMap(([entityId, ms]) =>
    ms.map((m) => ({ source: 'test.src', recordId: `r${m}`, role, entityType, entityId })),
  )

const ref = (m: number, role = 'person') => `test.src:r${m}/${role}`

const scoresOf = (e: TypeEvaluation) => ({
  pairwise: [e.pairwise.precision, e.pairwise.recall, e.pairwise.f1],
  bcubed: [e.bcubed.precision, e.bcubed.recall, e.bcubed.f1],
})

describe('evaluate', () => {
  it('scores a perfect clustering 1 everywhere, whatever the hub calls its clusters', () => {
    const r = evaluate(rows({ A: [1, 2, 3], B: [4, 5], C: [6] }), rows({ X: [1, 2, 3], Y: [4, 5], Z: [6] }))
    expect(r.person).toEqual({
      mentions: 6,
      truthOnly: 0,
      hubOnly: 0,
      unlinked: 0,
      truthEntities: 3,
      hubClusters: 3,
      pairwise: { precision: 1, recall: 1, f1: 1, truePositives: 4, hubPairs: 4, truthPairs: 4 },
      bcubed: { precision: 1, recall: 1, f1: 1 },
      worstMerges: [],
      worstSplits: [],
    })
  })

  it('one false merge: two entities of two mentions in one cluster', () => {
    const r = evaluate(rows({ A: [1, 2], B: [3, 4] }), rows({ X: [1, 2, 3, 4] }))
    // 6 hub pairs, 2 of them true; B-cubed: every mention shares its cluster of 4 with 2 of its own
    expect(r.person.pairwise).toEqual({
      precision: 1 / 3,
      recall: 1,
      f1: 0.5,
      truePositives: 2,
      hubPairs: 6,
      truthPairs: 2,
    })
    expect(r.person.bcubed.precision).toBe(0.5)
    expect(r.person.bcubed.recall).toBe(1)
    expect(r.person.bcubed.f1).toBeCloseTo(2 / 3, 12)
    expect([r.person.truthEntities, r.person.hubClusters]).toEqual([2, 1])
    expect(r.person.worstMerges).toEqual([
      {
        hubId: 'X',
        size: 4,
        wrongPairs: 4,
        entityCount: 2,
        entities: [
          { id: 'A', mentions: 2 },
          { id: 'B', mentions: 2 },
        ],
        members: [ref(1), ref(3), ref(2), ref(4)],
      },
    ])
    expect(r.person.worstSplits).toEqual([])
  })

  it('one split: an entity of four mentions over clusters of three and one', () => {
    const r = evaluate(rows({ A: [1, 2, 3, 4] }), rows({ X: [1, 2, 3], Y: [4] }))
    expect(r.person.pairwise).toEqual({
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
      truePositives: 3,
      hubPairs: 3,
      truthPairs: 6,
    })
    // recall per mention: 3/4 three times, 1/4 once → 10/16; F1 = 2·0.625/1.625 = 10/13
    expect(r.person.bcubed.precision).toBe(1)
    expect(r.person.bcubed.recall).toBe(0.625)
    expect(r.person.bcubed.f1).toBeCloseTo(10 / 13, 12)
    expect(r.person.worstMerges).toEqual([])
    expect(r.person.worstSplits).toEqual([
      {
        truthId: 'A',
        size: 4,
        missedPairs: 3,
        clusterCount: 2,
        clusters: [
          { id: 'X', mentions: 3 },
          { id: 'Y', mentions: 1 },
        ],
        members: [ref(1), ref(4), ref(2), ref(3)],
      },
    ])
  })

  it('singletons: no pairs on either side is perfect; a hub pair of two truth singletons is all wrong', () => {
    const alone = evaluate(rows({ A: [1], B: [2], C: [3] }), rows({ X: [1], Y: [2], Z: [3] }))
    expect(scoresOf(alone.person)).toEqual({ pairwise: [1, 1, 1], bcubed: [1, 1, 1] })
    expect(alone.person.pairwise).toMatchObject({ truePositives: 0, hubPairs: 0, truthPairs: 0 })

    const glued = evaluate(rows({ A: [1], B: [2], C: [3] }), rows({ X: [1, 2], Z: [3] }))
    expect(glued.person.pairwise).toEqual({
      precision: 0,
      recall: 1,
      f1: 0,
      truePositives: 0,
      hubPairs: 1,
      truthPairs: 0,
    })
    // B-cubed precision: 1/2, 1/2, 1 → 2/3; F1 = 2·(2/3)/(5/3) = 0.8
    expect(glued.person.bcubed.precision).toBeCloseTo(2 / 3, 12)
    expect(glued.person.bcubed.recall).toBe(1)
    expect(glued.person.bcubed.f1).toBeCloseTo(0.8, 12)
    expect(glued.person.worstMerges).toMatchObject([{ hubId: 'X', wrongPairs: 1, members: [ref(1), ref(2)] }])

    const apart = evaluate(rows({ A: [1, 2] }), rows({ X: [1], Y: [2] }))
    expect(scoresOf(apart.person)).toEqual({ pairwise: [1, 0, 0], bcubed: [1, 0.5, 2 / 3] })
  })

  it('an entity type with nothing to compare has no scores, not perfect ones', () => {
    const r = evaluate([], [])
    for (const t of ['person', 'house', 'unit'] as const)
      expect(r[t]).toEqual({
        mentions: 0,
        truthOnly: 0,
        hubOnly: 0,
        unlinked: 0,
        truthEntities: 0,
        hubClusters: 0,
        pairwise: { precision: null, recall: null, f1: null, truePositives: 0, hubPairs: 0, truthPairs: 0 },
        bcubed: { precision: null, recall: null, f1: null },
        worstMerges: [],
        worstSplits: [],
      })

    // persons only: houses and units stay empty
    const persons = evaluate(rows({ A: [1, 2] }), rows({ X: [1, 2] }))
    expect(persons.person.pairwise.f1).toBe(1)
    expect(persons.house.mentions).toBe(0)
    expect(persons.house.pairwise.f1).toBeNull()
  })

  it('scores only mentions on both sides, linked; counts the rest apart', () => {
    const truth = rows({ A: [1, 2], B: [3, 4] })
    const hub = [
      ...rows({ X: [1, 2], Y: [5] }),
      ...rows({ '': [3] }), // not linked yet
    ]
    const r = evaluate(truth, hub)
    expect(r.person).toMatchObject({
      mentions: 2, // m1, m2
      truthOnly: 1, // m4: the hub never took it
      hubOnly: 2, // m3 not linked, m5 not in the truth
      unlinked: 1,
      truthEntities: 1,
      hubClusters: 1,
    })
    expect(scoresOf(r.person)).toEqual({ pairwise: [1, 1, 1], bcubed: [1, 1, 1] })
  })

  it('keeps entity types apart: the same ids and record ids in two types never meet', () => {
    const truth = [...rows({ A: [1, 2] }), ...rows({ A: [1, 2] }, 'house', 'house')]
    const hub = [...rows({ X: [1, 2] }), ...rows({ X: [1], Y: [2] }, 'house', 'house')]
    const r = evaluate(truth, hub)
    expect(r.person.pairwise.f1).toBe(1)
    expect(r.house.pairwise).toMatchObject({ precision: 1, recall: 0 })
    expect(r.house.worstSplits[0]!.members).toEqual([ref(1, 'house'), ref(2, 'house')])
    expect(r.unit.mentions).toBe(0)
  })

  it('ranks the worst merges by wrong pairs and keeps the number asked for', () => {
    const truth = rows({ A: [1], B: [2], C: [3, 4], D: [5, 6, 7], E: [8], F: [9], G: [10] })
    // P: A+B → 1 wrong pair; Q: C+D → 6 wrong; R: E+F+G → 3 wrong
    const hub = rows({ P: [1, 2], Q: [3, 4, 5, 6, 7], R: [8, 9, 10] })
    const all = evaluate(truth, hub)
    expect(all.person.worstMerges.map((m) => [m.hubId, m.wrongPairs])).toEqual([
      ['Q', 6],
      ['R', 3],
      ['P', 1],
    ])
    expect(all.person.worstMerges[0]!.entities).toEqual([
      { id: 'D', mentions: 3 },
      { id: 'C', mentions: 2 },
    ])
    // six refs at most, taken from the entities in turn
    expect(all.person.worstMerges[0]!.members).toEqual([ref(5), ref(3), ref(6), ref(4), ref(7)])
    const two = evaluate(truth, hub, { examples: 2 })
    expect(two.person.worstMerges.map((m) => m.hubId)).toEqual(['Q', 'R'])
    expect(evaluate(truth, hub, { examples: 0 }).person.worstMerges).toEqual([])
    const big = evaluate(rows({ A: [1, 2, 3, 4], B: [5, 6, 7, 8] }), rows({ X: [1, 2, 3, 4, 5, 6, 7, 8] }))
      .person.worstMerges[0]!
    expect(big.members).toHaveLength(6)
  })

  it('gives the same answer whatever order the rows come in', () => {
    const truth = rows({ A: [1, 2, 3], B: [4, 5], C: [6, 7, 8, 9] })
    const hub = rows({ X: [1, 2, 4], Y: [3, 5, 6], Z: [7, 8], W: [9] })
    const rng = new Rng(7, 'order')
    expect(evaluate(rng.shuffle([...truth]), rng.shuffle([...hub]))).toEqual(evaluate(truth, hub))
  })

  it('refuses a mention given twice with different entity ids, and takes an exact repeat', () => {
    expect(() => evaluate([...rows({ A: [1] }), ...rows({ B: [1] })], [])).toThrow(ConflictingMentionError)
    expect(() => evaluate([], [...rows({ X: [1] }), ...rows({ Y: [1] })])).toThrow(/test.src:r1\/person/)
    const r = evaluate([...rows({ A: [1, 2] }), ...rows({ A: [1] })], rows({ X: [1, 2] }))
    expect(r.person.mentions).toBe(2)
  })
})

describe('evaluate against brute-force pair enumeration', () => {
  /** Random labels for n mentions; undefined = absent on that side, '' = in the hub, not linked. */
  const randomCase = (rng: Rng) => {
    const n = rng.int(0, 40)
    const truthK = rng.int(1, 8)
    const hubK = rng.int(1, 8)
    const truth: (string | undefined)[] = []
    const hub: (string | undefined)[] = []
    for (let m = 0; m < n; m++) {
      truth.push(rng.chance(0.1) ? undefined : `T${rng.int(1, truthK)}`)
      hub.push(rng.chance(0.1) ? undefined : rng.chance(0.05) ? '' : `H${rng.int(1, hubK)}`)
    }
    return { truth, hub }
  }

  it.each(Array.from({ length: 200 }, (_, i) => i + 1))('random clustering, seed %i', (seed) => {
    const rng = new Rng(seed, 'evaluate')
    const { truth, hub } = randomCase(rng)
    const toRows = (labels: (string | undefined)[]): LinkRow[] =>
      labels.flatMap((id, m) =>
        id === undefined
          ? []
          : [{ source: 's', recordId: String(m), role: 'person', entityType: 'person', entityId: id }],
      )
    const r = evaluate(rng.shuffle(toRows(truth)), rng.shuffle(toRows(hub)), {
      examples: Number.POSITIVE_INFINITY,
    }).person

    const compared = truth.flatMap((t, m) => {
      const h = hub[m]
      return t !== undefined && h !== undefined && h !== '' ? [{ t, h }] : []
    })
    let tp = 0
    let hubPairs = 0
    let truthPairs = 0
    const wrongByHub = new Map<string, number>()
    const missedByTruth = new Map<string, number>()
    for (let i = 0; i < compared.length; i++)
      for (let j = i + 1; j < compared.length; j++) {
        const a = compared[i]!
        const b = compared[j]!
        const sameHub = a.h === b.h
        const sameTruth = a.t === b.t
        if (sameHub) hubPairs++
        if (sameTruth) truthPairs++
        if (sameHub && sameTruth) tp++
        if (sameHub && !sameTruth) wrongByHub.set(a.h, (wrongByHub.get(a.h) ?? 0) + 1)
        if (sameTruth && !sameHub) missedByTruth.set(a.t, (missedByTruth.get(a.t) ?? 0) + 1)
      }
    let bp = 0
    let br = 0
    for (const a of compared) {
      const inCluster = compared.filter((b) => b.h === a.h)
      const inEntity = compared.filter((b) => b.t === a.t)
      const both = compared.filter((b) => b.h === a.h && b.t === a.t).length
      bp += both / inCluster.length
      br += both / inEntity.length
    }

    expect(r.mentions).toBe(compared.length)
    expect(r.truthOnly).toBe(truth.filter((t, m) => t !== undefined && hub[m] === undefined).length)
    expect(r.unlinked).toBe(hub.filter((h) => h === '').length)
    expect(r.hubOnly).toBe(
      hub.filter((h, m) => h !== undefined && (h === '' || truth[m] === undefined)).length,
    )
    expect(r.truthEntities).toBe(new Set(compared.map((c) => c.t)).size)
    expect(r.hubClusters).toBe(new Set(compared.map((c) => c.h)).size)
    expect({
      tp: r.pairwise.truePositives,
      hubPairs: r.pairwise.hubPairs,
      truthPairs: r.pairwise.truthPairs,
    }).toEqual({ tp, hubPairs, truthPairs })
    if (compared.length === 0) {
      expect(r.pairwise.precision).toBeNull()
      expect(r.bcubed.precision).toBeNull()
    } else {
      expect(r.pairwise.precision).toBe(hubPairs === 0 ? 1 : tp / hubPairs)
      expect(r.pairwise.recall).toBe(truthPairs === 0 ? 1 : tp / truthPairs)
      expect(r.bcubed.precision).toBeCloseTo(bp / compared.length, 12)
      expect(r.bcubed.recall).toBeCloseTo(br / compared.length, 12)
    }
    // ranked by pairs, then by size, then by id
    const ranked = (m: Map<string, number>, sizeOf: (id: string) => number) =>
      [...m].sort((x, y) => y[1] - x[1] || sizeOf(y[0]) - sizeOf(x[0]) || (x[0] < y[0] ? -1 : 1))
    const hubSize = (id: string) => compared.filter((c) => c.h === id).length
    const truthSize = (id: string) => compared.filter((c) => c.t === id).length
    expect(r.worstMerges.map((x) => [x.hubId, x.wrongPairs])).toEqual(ranked(wrongByHub, hubSize))
    expect(r.worstSplits.map((x) => [x.truthId, x.missedPairs])).toEqual(ranked(missedByTruth, truthSize))
    for (const x of r.worstMerges) expect(x.size).toBe(hubSize(x.hubId))
  })
})
