import { describe, expect, it } from 'vitest'
import { type Action, can, loadClients, sourceMatches } from '../../../src/api/policy/index.ts'

const clients = loadClients()
const client = (id: string) => {
  const c = clients.get(id)
  if (!c) throw new Error(`no default client ${id}`)
  return c
}

const SOURCES = [
  'police.hukou',
  'police.floating',
  'police.rental',
  'market.entity',
  'urban.shopfront',
  'civil.assistance',
  'civil.socialorg',
  'grid.visit',
]

// which sources each default client uploads — and so whose refused rows it reads
const UPLOADS: Record<string, string[]> = {
  police: ['police.hukou', 'police.floating', 'police.rental'],
  market: ['market.entity'],
  urban: ['urban.shopfront'],
  civil: ['civil.assistance', 'civil.socialorg'],
  grid: ['grid.visit'],
  steward: [],
  auditor: [],
}
const SEES_ALL_BATCHES = new Set(['police', 'steward', 'auditor'])

describe('batch decisions of the default clients', () => {
  const cases = Object.entries(UPLOADS).flatMap(([id, uploads]) =>
    SOURCES.map((source) => ({
      id,
      source,
      uploads: uploads.includes(source),
      seesBatch: SEES_ALL_BATCHES.has(id) || uploads.includes(source),
    })),
  )
  it.each(cases)('$id × $source: upload $uploads, batch $seesBatch', ({ id, source, uploads, seesBatch }) => {
    const c = client(id)
    expect(can(c, 'upload', { source }).allowed).toBe(uploads)
    // a batch an operator ingested: read by a department that uploads its source, unless row-scoped
    expect(can(c, 'read-refused', { source, uploadedBy: null }).allowed).toBe(
      uploads && c.person.rows === 'all',
    )
    // a batch sent over the API: read by its sender alone
    expect(can(c, 'read-refused', { source, uploadedBy: id }).allowed).toBe(true)
    expect(can(c, 'read-refused', { source, uploadedBy: 'someone-else' }).allowed).toBe(false)
    expect(can(c, 'read-batch', { source }).allowed).toBe(seesBatch)
  })

  it('names the scope that allowed a read, and says why when it does not', () => {
    expect(can(client('police'), 'read-refused', { source: 'police.rental', uploadedBy: null })).toEqual({
      allowed: true,
      scope: 'upload:police.*',
    })
    expect(can(client('grid'), 'upload', { source: 'grid.visit' })).toEqual({
      allowed: true,
      scope: 'upload:grid.visit',
    })
    const no = can(client('steward'), 'read-refused', { source: 'police.hukou', uploadedBy: null })
    expect(no).toMatchObject({ allowed: false })
    expect(!no.allowed && no.reason).toContain('police.hukou')
  })
})

describe('the other flags of the default clients', () => {
  // client: [read person, house, unit], export, steward, audit
  const table: Array<[string, [boolean, boolean, boolean], boolean, boolean, boolean]> = [
    ['police', [true, true, true], true, false, false],
    ['market', [true, false, true], true, false, false],
    ['urban', [false, true, true], true, false, false],
    ['civil', [true, true, true], true, false, false],
    ['grid', [true, true, true], false, false, false],
    ['steward', [true, true, true], false, true, false],
    ['auditor', [false, false, false], false, false, true],
  ]
  it.each(table)('%s', (id, reads, exports, steward, audit) => {
    const c = client(id)
    const entities = ['person', 'house', 'unit'] as const
    entities.forEach((entity, i) => {
      expect(can(c, 'read', { entity }).allowed, `read ${entity}`).toBe(reads[i])
      expect(can(c, 'export', { entity }).allowed, `export ${entity}`).toBe(exports && reads[i])
    })
    expect(can(c, 'steward').allowed).toBe(steward)
    expect(can(c, 'audit').allowed).toBe(audit)
  })

  it('answers an action it does not know with no', () => {
    expect(can(client('police'), 'fly' as Action, { source: 'x' } as never).allowed).toBe(false)
  })
})

describe('sourceMatches', () => {
  it.each([
    ['police.*', 'police.hukou', true],
    ['police.*', 'policex.hukou', false],
    ['police.*', 'police', false],
    ['grid.visit', 'grid.visit', true],
    ['grid.visit', 'grid.visits', false],
    ['*', 'market.entity', true],
  ])('%s ~ %s → %s', (pattern, source, expected) => {
    expect(sourceMatches(pattern, source)).toBe(expected)
  })
})
