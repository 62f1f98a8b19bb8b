import { describe, expect, it } from 'vitest'
import {
  type Client,
  fieldView,
  loadClients,
  type RecordFacts,
  type RowRule,
  rowVisible,
  viewRecord,
} from '../../../src/api/policy/index.ts'

const clients = loadClients()
const client = (id: string) => clients.get(id)!

const person = {
  id: 'P01',
  name: '张小明',
  idNumber: '320104198001011234',
  phones: ['13812345678', '025-84561234'],
  gender: 'M',
  assistance: ['低保'],
  address: '秦淮区贡院街12号3栋2单元301室',
  gridCode: '320104001007-01',
  internalNote: 'never shown',
}

const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  gridCode: '320104001007-01',
  divisionCode: '320104001001',
  sources: ['police.hukou'],
  roles: ['person'],
  fields: {},
  ...over,
})

describe('how each default client sees one person', () => {
  it.each([
    ['police', { ...person, internalNote: undefined }],
    [
      'market',
      {
        id: 'P01',
        name: '张小明',
        gender: 'M',
        idNumber: '320104********1234',
        phones: ['138****5678', '025-****1234'],
      },
    ],
    ['civil', { ...person, internalNote: undefined }],
    [
      'grid',
      {
        ...person,
        idNumber: '320104********1234',
        phones: ['138****5678', '025-****1234'],
        assistance: undefined,
        internalNote: undefined,
      },
    ],
    ['auditor', { id: 'P01' }],
  ])('%s', (id, expected) => {
    const clean = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined))
    expect(viewRecord(client(id), 'person', person)).toEqual(clean)
  })

  it('keeps nulls as nulls when masking', () => {
    expect(viewRecord(client('market'), 'person', { id: 'P', idNumber: null, phones: [] })).toEqual({
      id: 'P',
      idNumber: null,
      phones: [],
    })
  })

  it('hides a field with no masked form under a masked default', () => {
    const c = {
      ...client('grid'),
      person: { ...client('grid').person, fields: { default: 'masked' as const } },
    }
    expect(fieldView(c, 'person', 'birthDate')).toBe('hidden')
    expect(fieldView(c, 'person', 'idNumber')).toBe('masked')
    expect(fieldView(c, 'person', 'id')).toBe('whole')
  })
})

describe('which rows each default client sees', () => {
  it.each([
    // client, entity, facts, visible
    ['police', 'person', facts(), true],
    ['market', 'person', facts(), false], // not a legal representative
    ['market', 'person', facts({ roles: ['legal_rep'] }), true],
    ['market', 'house', facts(), false],
    ['urban', 'house', facts({ fields: { usage: '自住' } }), false],
    ['urban', 'house', facts({ fields: { usage: '经营' } }), true],
    ['urban', 'person', facts(), false],
    ['civil', 'unit', facts({ fields: { kind: '企业' } }), false],
    ['civil', 'unit', facts({ fields: { kind: '社会组织' } }), true],
    ['grid', 'person', facts(), true],
    ['grid', 'person', facts({ gridCode: '320104002001-01' }), false],
    ['grid', 'house', facts({ gridCode: null }), false],
    ['steward', 'unit', facts(), true],
    ['auditor', 'person', facts(), false],
  ] as const)('%s %s → %s', (id, entity, f, visible) => {
    expect(rowVisible(client(id), entity, f)).toBe(visible)
  })

  const rowCases: Array<[RowRule, Partial<Client>, RecordFacts, boolean]> = [
    ['divisions', { divisions: ['320104001'] }, facts(), true],
    ['divisions', { divisions: ['320104002'] }, facts(), false],
    ['own-department', {}, facts({ sources: ['civil.assistance', 'police.hukou'] }), true],
    ['own-department', {}, facts({ sources: ['police.hukou'] }), false],
  ]
  it.each(rowCases)('rows: %s %j', (rows, extra, f, visible) => {
    const base = client('civil')
    const c = { ...base, ...extra, person: { ...base.person, rows } }
    expect(rowVisible(c, 'person', f)).toBe(visible)
  })
})
