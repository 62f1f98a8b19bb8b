import { describe, expect, it } from 'vitest'
import { keyHash } from '../../src/match/hash.ts'
import { packPair, pairLeft, pairRight } from '../../src/match/blocking.ts'
import { type EntitySpec, Linker, RULE_APART, RULE_LINK, type TrainedModel } from '../../src/match/linker.ts'
import { estimateM, levelWeights, packPattern, priorWeight, probability } from '../../src/match/model.ts'
import type { TrainingSettings } from '../../src/match/settings.ts'

interface Rec {
  key: string | null
  name: string | null
  city: string | null
  id?: string
  veto?: boolean
}

const rec = (
  key: string | null,
  name: string | null,
  city: string | null,
  extra: Partial<Rec> = {},
): Rec => ({
  key,
  name,
  city,
  ...extra,
})

const three = (x: string | null, y: string | null) => (x === null || y === null ? 0 : x === y ? 1 : 2)

const SPEC: EntitySpec<Rec> = {
  entityType: 'person',
  comparisons: [
    {
      name: 'name',
      levels: ['null', 'exact', 'different'],
      level: (a, b) => three(a.name, b.name),
      tf: { level: 1, value: (r) => r.name },
    },
    { name: 'city', levels: ['null', 'same', 'different'], level: (a, b) => three(a.city, b.city) },
  ],
  blocking: [{ name: 'key', keys: (r) => r.key }],
  rules: [
    { name: 'veto', judge: (a, b) => (a.veto || b.veto ? 'apart' : null) },
    { name: 'same id', judge: (a, b) => (a.id && b.id ? (a.id === b.id ? 'link' : 'apart') : null) },
  ],
  startM: [
    [1, 0.9, 0.1],
    [1, 0.8, 0.2],
  ],
  startLambda: 0.1,
}

// 王伟 ×5, 欧阳靖 ×2, 赵六 ×2, 李娜, 张三; one record without a name: 11 names
const RECORDS: Rec[] = [
  rec('k1', '王伟', '南京', { id: 'A' }), // 0
  rec('k1', '王伟', '南京', { id: 'A' }), // 1: rule link with 0
  rec('k1', '王伟', '苏州'), // 2
  rec('k2', '欧阳靖', '南京'), // 3
  rec('k2', '欧阳靖', '南京'), // 4
  rec('k2', '李娜', '南京', { veto: true }), // 5: rule apart with 3 and 4
  rec('k3', '王伟', null), // 6
  rec('k3', '张三', '上海'), // 7
  rec(null, '王伟', '南京'), // 8: in no block
  rec('k4', '赵六', '北京', { id: 'B' }), // 9
  rec('k4', '赵六', '北京', { id: 'C' }), // 10: rule apart with 9
  rec('k5', null, '南京'), // 11
]

const SETTINGS: TrainingSettings = { randomPairs: 5000, emIterations: 25, seed: 42, tfMinCount: 3 }

const linker = new Linker(SPEC)
const candidates = () => linker.block(RECORDS, 100).pairs
const train = (settings: Partial<TrainingSettings> = {}, records = RECORDS, pairs = candidates()) =>
  linker.train(records, pairs, { ...SETTINGS, ...settings }, 'v-test')

const pairList = (pairs: Float64Array) => Array.from(pairs, (p) => [pairLeft(p), pairRight(p)])

describe('Linker basics', () => {
  it('blocks with the spec’s rules', () => {
    expect(linker.entityType).toBe('person')
    expect(pairList(candidates())).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
      [3, 4],
      [3, 5],
      [4, 5],
      [6, 7],
      [9, 10],
    ])
    expect(pairList(linker.block(RECORDS, 2).pairs)).toEqual([
      [6, 7],
      [9, 10],
    ])
    expect(pairList(linker.block(RECORDS, 100, (i) => i === 2).pairs)).toEqual([
      [0, 2],
      [1, 2],
    ])
    expect(
      pairList(linker.block(RECORDS, 100, undefined, (hash) => hash === keyHash('key', 'k1')).pairs),
    ).toHaveLength(5)
  })

  it('gives a pair’s levels in comparison order', () => {
    expect(linker.levels(RECORDS[0] as Rec, RECORDS[2] as Rec)).toEqual([1, 2])
    expect(linker.levels(RECORDS[6] as Rec, RECORDS[7] as Rec)).toEqual([2, 0])
    expect(linker.levels(RECORDS[11] as Rec, RECORDS[8] as Rec)).toEqual([0, 1])
  })

  it.each([
    ['no rule applies', rec(null, 'x', null), rec(null, 'x', null), 0, -1],
    ['the same id links', rec(null, 'x', null, { id: 'A' }), rec(null, 'y', null, { id: 'A' }), RULE_LINK, 1],
    [
      'two ids are apart',
      rec(null, 'x', null, { id: 'A' }),
      rec(null, 'x', null, { id: 'B' }),
      RULE_APART,
      1,
    ],
    [
      'the first rule that speaks decides',
      rec(null, 'x', null, { id: 'A', veto: true }),
      rec(null, 'x', null, { id: 'A' }),
      RULE_APART,
      0,
    ],
    [
      'either side can trigger a rule',
      rec(null, 'x', null, { id: 'A' }),
      rec(null, 'x', null, { id: 'A', veto: true }),
      RULE_APART,
      0,
    ],
  ])('judge: %s', (_, a, b, decision, rule) => {
    expect(linker.judge(a, b)).toEqual({ decision, rule })
  })

  it('names rules by index, the model otherwise', () => {
    expect([0, 1, -1, 2].map((k) => linker.ruleName(k))).toEqual(['veto', 'same id', 'model', 'model'])
  })
})

describe('Linker.train', () => {
  it('records what it trained on', () => {
    const model = train()
    expect(model.entityType).toBe('person')
    expect(model.version).toBe('v-test')
    expect(model.trainingPairs).toBe(4) // 8 candidates, 4 decided by rules
    expect(model.emIterations).toBeGreaterThanOrEqual(1)
    expect(model.emIterations).toBeLessThanOrEqual(25)
    expect(Number.isNaN(Date.parse(model.trainedAt))).toBe(false)
    expect(model.comparisons.map((c) => [c.name, c.levels, c.tfLevel])).toEqual([
      ['name', ['null', 'exact', 'different'], 1],
      ['city', ['null', 'same', 'different'], null],
    ])
  })

  it('fits m by EM over the model-decided candidates, with u from random pairs', () => {
    const model = train()
    // the patterns EM saw: (0,2) (1,2) (3,4) (6,7); the rule-decided pairs stay out
    const patterns = new Map([
      [packPattern([1, 2]), 2],
      [packPattern([1, 1]), 1],
      [packPattern([2, 0]), 1],
    ])
    const u = model.comparisons.map((c) => c.u)
    const em = estimateM(patterns, [3, 3], u, { m: SPEC.startM.map((r) => [...r]), lambda: 0.1 }, 25)
    expect(model.comparisons.map((c) => c.m)).toEqual(em.m)
    expect(model.emIterations).toBe(em.iterations)
    // λ is over all pairs: (rule links + EM's share of the model pairs) / (n choose 2)
    expect(model.lambda).toBeCloseTo((1 + em.lambda * 4) / 66, 15)
  })

  it('smooths u and keeps it a distribution', () => {
    const model = train()
    for (const c of model.comparisons) {
      expect(c.u[0]).toBe(1)
      expect(c.u.slice(1).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
      for (const v of c.u.slice(1)) expect(v).toBeGreaterThan(0)
    }
  })

  it('samples random pairs of two different records, as many as asked, by its seed', () => {
    const self: EntitySpec<Rec> = {
      ...SPEC,
      comparisons: [
        { name: 'self', levels: ['null', 'same record', 'other'], level: (a, b) => (a === b ? 1 : 2) },
        { name: 'none', levels: ['null', 'a', 'b'], level: () => 0 },
      ],
    }
    const model = new Linker(self).train(RECORDS, new Float64Array(), { ...SETTINGS, randomPairs: 1000 }, 'v')
    expect(model.comparisons[0]?.u).toEqual([1, 1 / 1002, 1001 / 1002])
    expect(model.comparisons[1]?.u).toEqual([1, 1 / 2, 1 / 2])
  })

  it('is deterministic for a seed; seed 0 is seed 1', () => {
    const u = (seed: number) => train({ seed }).comparisons.map((c) => c.u)
    expect(u(42)).toEqual(u(42))
    expect(u(0)).toEqual(u(1))
    expect(u(42)).not.toEqual(u(43))
    const a = train()
    const b = train()
    expect({ ...a, trainedAt: '' }).toEqual({ ...b, trainedAt: '' })
  })

  it('caps λ at 0.5', () => {
    // two records, one model pair: one match expected out of one pair
    const records = [rec('k', '王伟', '南京'), rec('k', '王伟', '南京')]
    const model = train({}, records, linker.block(records, 10).pairs)
    expect(model.lambda).toBe(0.5)
  })

  it('counts at least one match, so λ is at least 1 / (n choose 2)', () => {
    // one model pair among 12 records: EM's share of it is below 1
    const pairs = new Float64Array([packPair(6, 7)])
    expect(train({}, RECORDS, pairs).lambda).toBe(1 / 66)
  })

  it('counts every rule link as a match', () => {
    const links = [packPair(0, 1)]
    const model = (extra: number[]) =>
      train({}, RECORDS, new Float64Array([...links, ...extra, packPair(6, 7)].sort((a, b) => a - b)))
    // rule-apart pairs add nothing; model pairs add EM's share
    const base = model([])
    const withApart = model([packPair(9, 10), packPair(3, 5)])
    expect(withApart.lambda).toBe(base.lambda)
    expect(base.lambda).toBeGreaterThanOrEqual(1 / 66)
    expect(base.lambda).toBeLessThan(2 / 66)
  })

  it('builds a term-frequency table of the tf comparison’s values', () => {
    expect(train().tf).toEqual({ name: { values: { 王伟: 5 / 11 }, floor: 3 / 11 } })
    expect(train({ tfMinCount: 2 }).tf).toEqual({
      name: { values: { 王伟: 5 / 11, 欧阳靖: 2 / 11, 赵六: 2 / 11 }, floor: 2 / 11 },
    })
    expect(train({ tfMinCount: 1 }).tf.name?.values).toEqual({
      王伟: 5 / 11,
      欧阳靖: 2 / 11,
      李娜: 1 / 11,
      张三: 1 / 11,
      赵六: 2 / 11,
    })
  })

  it('uses uniform u when there are fewer than two records', () => {
    const model = train({}, [rec('k', '王伟', '南京')], new Float64Array())
    expect(model.comparisons.map((c) => c.u)).toEqual([
      [1, 0.5, 0.5],
      [1, 0.5, 0.5],
    ])
  })

  // every candidate pair decided by a rule (or none at all): EM has nothing to fit, λ must stay finite
  it('gives a usable model when every candidate pair is decided by a rule', () => {
    const pairs = new Float64Array([packPair(0, 1), packPair(9, 10)])
    const model = train({}, RECORDS, pairs)
    expect(Number.isFinite(model.lambda)).toBe(true)
    const scored = linker.score(model, RECORDS, new Float64Array([packPair(2, 7)]))
    expect(probability(scored.weights[0] as number)).toBeLessThan(0.5)
  })
})

describe('Linker.score and explain', () => {
  const model: TrainedModel = train()
  const table = levelWeights(model)
  const prior = priorWeight(model)
  const m = (k: number, l: number) => model.comparisons[k]?.m[l] as number
  const u = (k: number, l: number) => model.comparisons[k]?.u[l] as number
  const tfName = (v: string) => model.tf.name?.values[v] ?? (model.tf.name?.floor as number)

  /** The weight of a pair by the formula: prior + Σ log2(m/u), the name's exact level by log2(m/tf). */
  const expected = (a: Rec, b: Rec): number => {
    const [ln, lc] = linker.levels(a, b) as [number, number]
    const name =
      ln === 0 ? 0 : ln === 1 ? Math.log2(m(0, 1) / tfName(a.name as string)) : Math.log2(m(0, ln) / u(0, ln))
    const city = lc === 0 ? 0 : Math.log2(m(1, lc) / u(1, lc))
    return prior + name + city
  }

  it('has a finite, negative prior for a sparse match share', () => {
    expect(prior).toBe(Math.log2(model.lambda / (1 - model.lambda)))
    expect(prior).toBeLessThan(0)
  })

  it('scores each pair prior + its level weights, with the tf weight at the exact name level', () => {
    const pairs = candidates()
    const scored = linker.score(model, RECORDS, pairs)
    expect(scored.pairs).toBe(pairs)
    pairList(pairs).forEach(([i, j], x) => {
      const a = RECORDS[i as number] as Rec
      const b = RECORDS[j as number] as Rec
      expect(scored.weights[x], `${i}-${j}`).toBeCloseTo(expected(a, b), 12)
      expect(scored.patterns[x]).toBe(packPattern(linker.levels(a, b)))
    })
  })

  it('replaces, not adds to, the exact level’s base weight', () => {
    // 0–2: name exact (王伟, common), city different
    const [w] = linker.score(model, RECORDS, new Float64Array([packPair(0, 2)])).weights
    const base = prior + (table[0]?.[1] as number) + (table[1]?.[2] as number)
    const tf = Math.log2(m(0, 1) / (5 / 11)) - (table[0]?.[1] as number)
    expect(w).toBeCloseTo(base + tf, 12)
    expect(w).toBeCloseTo(prior + Math.log2(m(0, 1) / (5 / 11)) + Math.log2(m(1, 2) / u(1, 2)), 12)
  })

  it('weighs a rare name’s agreement more than a common one’s (floor for names under tfMinCount)', () => {
    // 欧阳靖 (3–4) is below tfMinCount 3: it takes the floor, 3/11, against 王伟's 5/11
    const rare = linker.score(model, RECORDS, new Float64Array([packPair(3, 4)])).weights[0] as number
    expect(rare).toBeCloseTo(prior + Math.log2(m(0, 1) / (3 / 11)) + Math.log2(m(1, 1) / u(1, 1)), 12)
    const common = linker.score(model, RECORDS, new Float64Array([packPair(0, 8)])).weights[0] as number
    expect(rare - common).toBeCloseTo(Math.log2(5 / 3), 12)
  })

  it('leaves the weight alone at other levels and when the tf value is missing', () => {
    const [w] = linker.score(model, RECORDS, new Float64Array([packPair(6, 7)])).weights // name different, city null
    expect(w).toBeCloseTo(prior + (table[0]?.[2] as number), 12)
    const [n] = linker.score(model, RECORDS, new Float64Array([packPair(8, 11)])).weights // name null
    expect(n).toBeCloseTo(prior + (table[1]?.[1] as number), 12)
  })

  it('records each pair’s rule decision beside its weight', () => {
    const scored = linker.score(model, RECORDS, candidates())
    expect(Array.from(scored.decisions)).toEqual([RULE_LINK, 0, 0, 0, RULE_APART, RULE_APART, 0, RULE_APART])
    expect(Array.from(scored.ruleIndex)).toEqual([1, -1, -1, -1, 0, 0, -1, 1])
    expect(Array.from(scored.weights).every(Number.isFinite)).toBe(true) // rule pairs are weighed too
  })

  it('scores no pairs', () => {
    const scored = linker.score(model, RECORDS, new Float64Array())
    expect([
      scored.weights.length,
      scored.decisions.length,
      scored.ruleIndex.length,
      scored.patterns.length,
    ]).toEqual([0, 0, 0, 0])
  })

  it('explains a pair with terms that sum, with the prior, to its score', () => {
    const pairs = candidates()
    const scored = linker.score(model, RECORDS, pairs)
    pairList(pairs).forEach(([i, j], x) => {
      const e = linker.explain(model, RECORDS[i as number] as Rec, RECORDS[j as number] as Rec)
      expect(e.terms.map((t) => t.name)).toEqual(['name', 'city'])
      expect(e.weight, `${i}-${j}`).toBeCloseTo(scored.weights[x] as number, 12)
      expect(prior + e.terms.reduce((s, t) => s + t.weight, 0)).toBeCloseTo(e.weight, 12)
    })
  })

  it('labels each term with its level', () => {
    const e = linker.explain(model, RECORDS[0] as Rec, RECORDS[2] as Rec)
    expect(e.terms).toEqual([
      { name: 'name', level: 'exact', weight: Math.log2(m(0, 1) / (5 / 11)) },
      { name: 'city', level: 'different', weight: table[1]?.[2] },
    ])
    expect(linker.explain(model, RECORDS[6] as Rec, RECORDS[7] as Rec).terms).toEqual([
      { name: 'name', level: 'different', weight: table[0]?.[2] },
      { name: 'city', level: 'null', weight: 0 },
    ])
  })
})
