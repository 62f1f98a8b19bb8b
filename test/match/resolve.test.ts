import { describe, expect, it } from 'vitest'
import { RULE_APART, RULE_LINK } from '../../src/match/linker.ts'
import { probability } from '../../src/match/model.ts'
import { type Resolution, resolve, type StewardEdge } from '../../src/match/resolve.ts'
import { scoredPairs } from './factories.ts'

const T = { link: 0.99, review: 0.9 }
const STRONG = 10 // p = 1024/1025 ≥ 0.99
const REVIEW = 4 // p = 16/17: between 0.9 and 0.99
const WEAK = 0 // p = 0.5

const noAnchors = () => null
const anchorsOf = (a: Record<number, string>) => (i: number) => a[i] ?? null

const partition = (r: Resolution): number[][] =>
  [...r.clusters.groups().values()]
    .map((g) => [...g].sort((a, b) => a - b))
    .sort((a, b) => (a[0] as number) - (b[0] as number))

describe('resolve', () => {
  it('links at or above the link threshold, queues review, leaves the rest apart', () => {
    const scored = scoredPairs([
      [0, 1, STRONG],
      [2, 3, REVIEW],
      [4, 5, WEAK],
      [1, 6, -5],
    ])
    const r = resolve(7, scored, noAnchors, T)
    expect(r.positive).toEqual([0])
    expect(r.unsure).toEqual([1])
    // review pairs join provisionally
    expect(partition(r)).toEqual([[0, 1], [2, 3], [4], [5], [6]])
  })

  it.each([
    // [weight, judged] with link 0.8 (weight 2) and review 0.5 (weight 0): the thresholds are inclusive
    [2, 'positive'],
    [1.999, 'unsure'],
    [0, 'unsure'],
    [-0.001, 'none'],
  ] as const)('weight %d against link 0.8 / review 0.5 is %s', (w, judged) => {
    const r = resolve(2, scoredPairs([[0, 1, w]]), noAnchors, { link: 0.8, review: 0.5 })
    expect(r.positive).toEqual(judged === 'positive' ? [0] : [])
    expect(r.unsure).toEqual(judged === 'unsure' ? [0] : [])
    expect(r.clusters.find(0) === r.clusters.find(1)).toBe(judged !== 'none')
  })

  it('links a rule link whatever its weight', () => {
    const r = resolve(2, scoredPairs([[0, 1, -50, RULE_LINK, 0]]), noAnchors, T)
    expect(r.positive).toEqual([0])
    expect(r.unsure).toEqual([])
    expect(partition(r)).toEqual([[0, 1]])
    expect(r.method).toEqual(['rule', 'rule'])
    expect(Array.from(r.probability)).toEqual([1, 1])
  })

  it('never joins a rule-apart pair, whatever its weight', () => {
    const r = resolve(2, scoredPairs([[0, 1, 60, RULE_APART, 0]]), noAnchors, T)
    expect(r.positive).toEqual([])
    expect(r.unsure).toEqual([])
    expect(partition(r)).toEqual([[0], [1]])
  })

  it('keeps two records with different valid ids apart through a chain of model links', () => {
    const scored = scoredPairs([
      [0, 2, 60, RULE_APART, 0],
      [0, 1, STRONG + 2],
      [1, 2, STRONG],
    ])
    const r = resolve(3, scored, anchorsOf({ 0: 'ID-A', 2: 'ID-B' }), T)
    expect(r.positive).toEqual([1, 2]) // both judged positive as pairs…
    expect(partition(r)).toEqual([[0, 1], [2]]) // …but the weaker cannot join two ids
  })

  it('joins strongest first when anchors compete for a record', () => {
    const scored = scoredPairs([
      [0, 1, STRONG],
      [1, 2, STRONG + 5],
    ])
    const r = resolve(3, scored, anchorsOf({ 0: 'ID-A', 2: 'ID-B' }), T)
    expect(partition(r)).toEqual([[0], [1, 2]])
  })

  it('puts rule links ahead of model links', () => {
    const scored = scoredPairs([
      [0, 1, 40], // a very strong model link to ID-A
      [1, 2, -3, RULE_LINK, 0], // the rule says 1 is ID-B
    ])
    const r = resolve(3, scored, anchorsOf({ 0: 'ID-A', 1: 'ID-B', 2: 'ID-B' }), T)
    expect(partition(r)).toEqual([[0], [1, 2]])
  })

  describe('steward edges', () => {
    it('a positive edge joins what the model left apart, and overrides anchors', () => {
      const steward: StewardEdge[] = [{ a: 1, b: 0, judgement: 'positive' }]
      const r = resolve(3, scoredPairs([[0, 1, -20]]), anchorsOf({ 0: 'ID-A', 1: 'ID-B' }), T, steward)
      expect(partition(r)).toEqual([[0, 1], [2]])
      expect(r.positive).toEqual([]) // the model's pair is not judged: the steward's edge stands for it
      expect(r.unsure).toEqual([])
      expect(r.method).toEqual(['steward', 'steward', 'model'])
      expect(Array.from(r.probability)).toEqual([1, 1, Number.NaN])
    })

    it('a negative edge keeps apart a pair the model or a rule would link', () => {
      for (const decision of [0, RULE_LINK]) {
        const steward: StewardEdge[] = [{ a: 0, b: 1, judgement: 'negative' }]
        const r = resolve(2, scoredPairs([[0, 1, 60, decision, decision ? 0 : -1]]), noAnchors, T, steward)
        expect(partition(r)).toEqual([[0], [1]])
        expect(r.positive).toEqual([])
      }
    })

    it('a negative edge blocks a chain through other records', () => {
      const scored = scoredPairs([
        [0, 1, STRONG + 1],
        [1, 2, STRONG],
        [2, 3, STRONG + 2],
      ])
      const r = resolve(4, scored, noAnchors, T, [{ a: 3, b: 0, judgement: 'negative' }])
      expect(r.positive).toEqual([0, 1, 2])
      // strongest first: {2, 3}, then {0, 1}; joining them would put 0 and 3 together
      expect(partition(r)).toEqual([
        [0, 1],
        [2, 3],
      ])
    })

    it('a negative edge outweighs a positive one on the same records', () => {
      const steward: StewardEdge[] = [
        { a: 0, b: 1, judgement: 'positive' },
        { a: 0, b: 1, judgement: 'negative' },
      ]
      const r = resolve(2, scoredPairs([]), noAnchors, T, steward)
      expect(partition(r)).toEqual([[0], [1]])
      expect(r.method).toEqual(['model', 'model'])
    })

    it('an unsure edge leaves the pair to the model: a strong pair still links', () => {
      const r = resolve(2, scoredPairs([[0, 1, STRONG]]), noAnchors, T, [{ a: 0, b: 1, judgement: 'unsure' }])
      expect(r.positive).toEqual([0])
      expect(r.unsure).toEqual([])
      expect(partition(r)).toEqual([[0, 1]])
      expect(r.method).toEqual(['model', 'model'])
    })

    it('a negative edge takes only its own pair from the model', () => {
      const scored = scoredPairs([
        [0, 1, STRONG],
        [1, 2, STRONG],
      ])
      const r = resolve(3, scored, noAnchors, T, [{ a: 2, b: 1, judgement: 'negative' }])
      expect(r.positive).toEqual([0])
      expect(partition(r)).toEqual([[0, 1], [2]])
    })

    // after a steward joins ID-A (0) and ID-B (1), the cluster answers to both ids: record 2, ID-B again,
    // joins by the same-id rule whichever record is the root
    it('a steward’s join of two ids keeps both ids linkable', () => {
      const scored = scoredPairs([[1, 2, 0, RULE_LINK, 0]])
      const r = resolve(3, scored, anchorsOf({ 0: 'ID-A', 1: 'ID-B', 2: 'ID-B' }), T, [
        { a: 0, b: 1, judgement: 'positive' },
      ])
      expect(partition(r)).toEqual([[0, 1, 2]])
    })
  })

  describe('per-record probability and method', () => {
    it('takes the strongest link holding each record in its cluster', () => {
      const scored = scoredPairs([
        [0, 1, STRONG],
        [1, 2, REVIEW],
        [3, 4, STRONG + 3],
        [4, 5, 0, RULE_LINK, 0],
      ])
      const r = resolve(7, scored, noAnchors, T)
      expect(partition(r)).toEqual([[0, 1, 2], [3, 4, 5], [6]])
      expect(r.method).toEqual(['model', 'model', 'model', 'model', 'rule', 'rule', 'model'])
      const p = Array.from(r.probability)
      expect(p.slice(0, 4)).toEqual([
        probability(STRONG),
        probability(STRONG),
        probability(REVIEW),
        probability(STRONG + 3),
      ])
      expect(p.slice(4, 6)).toEqual([1, 1])
      expect(p[6]).toBeNaN() // alone: no link holds it
    })

    it('ignores links that did not join', () => {
      const scored = scoredPairs([
        [0, 1, STRONG + 5],
        [1, 2, STRONG + 9, RULE_APART, 0],
        [0, 2, STRONG],
      ])
      const r = resolve(3, scored, anchorsOf({ 0: 'ID-A', 2: 'ID-B' }), T)
      expect(partition(r)).toEqual([[0, 1], [2]])
      expect(r.probability[2]).toBeNaN()
      expect(r.method[2]).toBe('model')
    })

    it('ranks steward over rule over model', () => {
      const scored = scoredPairs([
        [0, 1, 0, RULE_LINK, 0],
        [1, 2, 900],
        [2, 3, 1000],
      ])
      const r = resolve(4, scored, noAnchors, T, [{ a: 0, b: 3, judgement: 'positive' }])
      expect(partition(r)).toEqual([[0, 1, 2, 3]])
      expect(r.method).toEqual(['steward', 'rule', 'model', 'steward'])
      expect(Array.from(r.probability)).toEqual([1, 1, 1, 1])
    })

    it('returns arrays sized to the records', () => {
      const r = resolve(5, scoredPairs([]), noAnchors, T)
      expect(r.probability).toHaveLength(5)
      expect(r.method).toHaveLength(5)
      expect(partition(r)).toEqual([[0], [1], [2], [3], [4]])
    })
  })
})
