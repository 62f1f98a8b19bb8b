import { describe, expect, it } from 'vitest'
import type { BlockingRule } from '../../src/match/blocking.ts'
import { cyrb53, KEY_COLUMNS, keyHash, keyText } from '../../src/match/keys.ts'

describe('cyrb53', () => {
  // pinned: these hashes are stored in match_keys, so a change here silently orphans every stored key
  it.each([
    ['', 0, 3338908027751811],
    ['a', 0, 7929297801672961],
    ['a', 1, 5368154436228575],
  ])('cyrb53(%j, %i) = %i', (text, seed, hash) => {
    expect(cyrb53(text, seed)).toBe(hash)
  })

  it('is deterministic and seed-dependent', () => {
    expect(cyrb53('张伟\u00011990-01')).toBe(cyrb53('张伟\u00011990-01'))
    expect(cyrb53('张伟')).not.toBe(cyrb53('张伟', 1))
    expect(cyrb53('张伟')).not.toBe(cyrb53('张玮'))
  })

  it('is a non-negative safe integer below 2^53 and spreads its input', () => {
    const seen = new Set<number>()
    let high = false
    for (let k = 0; k < 5000; k++) {
      const h = cyrb53(`key-${k}-名字`)
      expect(Number.isSafeInteger(h)).toBe(true)
      expect(h).toBeGreaterThanOrEqual(0)
      expect(h).toBeLessThan(2 ** 53)
      if (h >= 2 ** 52) high = true
      seen.add(h)
    }
    expect(seen.size).toBe(5000) // no collision among 5000 keys
    expect(high).toBe(true) // the top bit is used
  })

  it('survives a round trip through a bigint column’s text', () => {
    const h = cyrb53('320104|常府街|8|3|301')
    expect(Number(BigInt(h).toString())).toBe(h)
  })
})

describe('keyHash', () => {
  it('is the hash of rule NUL key', () => {
    expect(keyHash('name+birthMonth', '\u0001张伟\u00011990-01')).toBe(
      cyrb53('name+birthMonth\u0000\u0001张伟\u00011990-01'),
    )
  })

  it('differs by rule name for the same key', () => {
    expect(keyHash('phone', '13812345678')).not.toBe(keyHash('name+phone', '13812345678'))
    expect(keyHash('r', 'k')).not.toBe(keyHash('s', 'k'))
  })

  it('does not confuse where the rule ends and the key begins', () => {
    expect(keyHash('ab', 'c')).not.toBe(keyHash('a', 'bc'))
  })
})

/** keyText's COPY lines read back as rows: [entity type, key hash, record, role]. */
const keyRows = <R extends { sourceRecordId: number; role: string }>(
  type: string,
  records: readonly R[],
  rules: readonly BlockingRule<R>[],
): unknown[][] =>
  [...keyText(type, records, rules)]
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [t, hash, id, role] = l.split('\t')
      return [t, Number(hash), Number(id), role]
    })

describe('keyText', () => {
  interface M {
    sourceRecordId: number
    role: string
    name: string | null
    phones: string[]
  }
  const byName: BlockingRule<M> = { name: 'name', keys: (r) => r.name }
  const byPhone: BlockingRule<M> = { name: 'phone', keys: (r) => r.phones }

  it('yields [entity type, key hash, record, role] per record, per rule, per key', () => {
    const records: M[] = [
      { sourceRecordId: 7, role: 'person', name: '张伟', phones: ['1', '2', '1'] },
      { sourceRecordId: 8, role: 'legal_rep', name: null, phones: [] },
      { sourceRecordId: 9, role: 'person', name: '李娜', phones: ['3'] },
    ]
    expect([...keyRows('person', records, [byName, byPhone])]).toEqual([
      ['person', keyHash('name', '张伟'), 7, 'person'],
      ['person', keyHash('phone', '1'), 7, 'person'],
      ['person', keyHash('phone', '2'), 7, 'person'],
      ['person', keyHash('name', '李娜'), 9, 'person'],
      ['person', keyHash('phone', '3'), 9, 'person'],
    ])
  })

  it('yields nothing without records or rules', () => {
    expect([...keyRows('unit', [], [byName])]).toEqual([])
    expect([...keyRows('unit', [{ sourceRecordId: 1, role: 'unit', name: 'x', phones: [] }], [])]).toEqual([])
  })

  it('matches the match_keys columns', () => {
    expect(KEY_COLUMNS).toEqual(['entity_type', 'key_hash', 'source_record_id', 'role'])
  })
})
