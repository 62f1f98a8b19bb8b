import { describe, expect, it } from 'vitest'
import { DEFAULT_CLIENTS_FILE, loadClients, parseClients } from '../../../src/api/policy/index.ts'
import { isSanshiError, type SanshiError } from '../../../src/errors.ts'

const refusal = (text: string): SanshiError => {
  try {
    parseClients(text, 'clients.yaml')
  } catch (e) {
    if (isSanshiError(e)) return e
    throw e
  }
  throw new Error('accepted')
}

describe('the clients file', () => {
  it('ships the default clients', () => {
    expect(loadClients().clients.map((c) => c.id)).toEqual([
      'police',
      'market',
      'urban',
      'civil',
      'grid',
      'steward',
      'auditor',
    ])
  })

  it('fills in what an entry leaves out', () => {
    const r = parseClients('clients:\n  - { id: x, department: police, role: clerk }\n', 'f.yaml')
    expect(r.get('x')).toMatchObject({
      upload: [],
      batches: 'uploads',
      export: false,
      person: { read: false, rows: 'all', fields: {} },
    })
  })

  it.each([
    ['not YAML', 'clients: [', /not valid YAML/],
    ['no clients', 'clients: []', /clients/],
    [
      'unknown key',
      'clients:\n  - { id: x, department: police, role: c, admin: true }',
      /clients\[0\] \(x\)/,
    ],
    [
      'rows: grids without grids',
      'clients:\n  - { id: g, department: grid, role: w, person: { read: true, rows: grids } }',
      /clients\[0\] \(g\)\.person\.rows: rows: grids needs/,
    ],
    [
      'unknown field',
      'clients:\n  - { id: m, department: market, role: c, unit: { fields: { salary: whole } } }',
      /unit has no field salary/,
    ],
    [
      'mask without a masked form',
      'clients:\n  - { id: m, department: market, role: c, house: { fields: { usage: masked } } }',
      /house\.usage has no masked form/,
    ],
    [
      'bad source pattern',
      'clients:\n  - { id: m, department: market, role: c, upload: [market] }',
      /upload\[0\]/,
    ],
    [
      'twice the same id',
      'clients:\n  - { id: a, department: p, role: c }\n  - { id: a, department: p, role: c }',
      /listed twice/,
    ],
  ])('refuses %s with SANSHI102 naming the file and the path', (_name, text, message) => {
    const e = refusal(text)
    expect(e.code).toBe('SANSHI102')
    expect(e.location.file).toBe('clients.yaml')
    expect(e.message).toMatch(message)
  })

  it('refuses a file it cannot read', () => {
    expect(() => loadClients(`${DEFAULT_CLIENTS_FILE}.missing`)).toThrow(/cannot read the clients file/)
  })
})
