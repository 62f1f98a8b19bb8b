import { parse } from 'csv-parse/sync'
import { beforeAll, expect, it } from 'vitest'
import { logAccess } from '../../src/api/repositories/access-log-repository.ts'
import { forEachDatabase } from '../support/databases.ts'
import { bearer, CLIENT_IDS, clients, type TestApp, testApp } from './support.ts'

interface Seed {
  client: string
  entityType: string
  recordIds: string[]
  at: string
  purpose: string | null
}

const BASE = Date.parse('2025-03-01T00:00:00Z')
const CLIENTS = ['police', 'civil', 'grid', 'market']
const PURPOSES = [null, '低保复核 March', '户籍核查']
const FORMULAS = ['=HYPERLINK("http://x.example","go")', '+SUM(1,2)', '-2+3', '@cmd', '＝1', '\tTAB']

/** 60 entries a minute apart, then one per formula-like purpose. */
const SEED: Seed[] = [
  ...Array.from({ length: 60 }, (_, i) => ({
    client: CLIENTS[i % 4]!,
    entityType: i % 5 === 0 ? 'refused_rows' : 'person',
    recordIds: [`P${i % 7}`, `P${(i + 1) % 7}`],
    at: new Date(BASE + i * 60_000).toISOString(),
    purpose: PURPOSES[i % 3]!,
  })),
  ...FORMULAS.map((purpose, k) => ({
    client: 'police',
    entityType: 'person',
    recordIds: ['F1'],
    at: new Date(BASE + (60 + k) * 60_000).toISOString(),
    purpose,
  })),
]

forEachDatabase('GET /v1/audit', (getDb) => {
  let t: TestApp
  /** the seed's index → the id the database gave it */
  let ids: number[]

  beforeAll(async () => {
    t = await testApp(getDb())
    ids = []
    for (const s of SEED) {
      const [row] = await getDb().query<{ id: number }>(
        `INSERT INTO access_log (client_id, scope, entity_type, record_ids, purpose, at)
         VALUES ($1, 'read:person:all', $2, $3, $4, $5::timestamptz) RETURNING id::float8 AS id`,
        [s.client, s.entityType, s.recordIds, s.purpose, s.at],
      )
      ids.push(row!.id)
    }
  })

  const get = (query: string, client = 'auditor') =>
    t.app.inject({ url: `/v1/audit${query}`, headers: bearer(t.keys[client]!) })

  /** The seed indexes a filter should select, newest first, as ids. */
  const expected = (keep: (s: Seed, i: number) => boolean): number[] =>
    SEED.flatMap((s, i) => (keep(s, i) ? [ids[i]!] : [])).reverse()

  it('is for the auditor only: every other default client gets 403, no key 401', async () => {
    expect(CLIENT_IDS).toContain('auditor')
    for (const id of CLIENT_IDS) {
      const res = await get('', id)
      if (clients.get(id)!.audit) expect(res.statusCode, id).toBe(200)
      else {
        expect(res.statusCode, id).toBe(403)
        expect(res.json()).toMatchObject({ code: 'SANSHI401', status: 403 })
        expect(res.json().detail).toBe(`client ${id} may not read the access log`)
      }
    }
    expect(CLIENT_IDS.filter((id) => clients.get(id)!.audit)).toEqual(['auditor'])
    const anonymous = await t.app.inject('/v1/audit')
    expect(anonymous.statusCode).toBe(401)
  })

  it('answers {items, next} newest first, each entry whole', async () => {
    const res = await get('?limit=2')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.items).toHaveLength(2)
    expect(typeof body.next).toBe('string')
    const last = SEED.length - 1
    expect(body.items[0]).toEqual({
      id: ids[last],
      at: SEED[last]!.at,
      clientId: 'police',
      scope: 'read:person:all',
      entityType: 'person',
      recordIds: ['F1'],
      purpose: FORMULAS[FORMULAS.length - 1],
      reason: null,
      requestId: null,
    })
  })

  const t0 = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString()
  it.each<[string, string, (s: Seed, i: number) => boolean]>([
    ['no filter', '', () => true],
    ['client', 'client=civil', (s) => s.client === 'civil'],
    ['entity type', 'entity_type=refused_rows', (s) => s.entityType === 'refused_rows'],
    ['record id', 'record_id=P3', (s) => s.recordIds.includes('P3')],
    ['from/to in UTC', `from=${t0(10)}&to=${t0(20)}`, (_s, i) => i >= 10 && i < 20],
    [
      'from/to with an offset',
      `from=${encodeURIComponent('2025-03-01T08:30:00+08:00')}&to=${encodeURIComponent('2025-03-01T08:33:00+08:00')}`,
      (_s, i) => i >= 30 && i < 33,
    ],
    ['a part of the purpose', `purpose=${encodeURIComponent('低保')}`, (s) => s.purpose === PURPOSES[1]],
    ['the purpose in any case', 'purpose=MARCH', (s) => s.purpose === PURPOSES[1]],
    ['a purpose of LIKE wildcards, taken literally', 'purpose=_', () => false],
    [
      'several at once',
      `client=civil&record_id=P2&purpose=${encodeURIComponent('户籍')}`,
      (s) => s.client === 'civil' && s.recordIds.includes('P2') && s.purpose === PURPOSES[2],
    ],
  ])('filters by %s', async (_name, query, keep) => {
    const res = await get(`?limit=1000&${query}`)
    expect(res.statusCode).toBe(200)
    const want = expected(keep)
    expect(res.json().items.map((e: { id: number }) => e.id)).toEqual(want)
    if (query !== 'purpose=_') expect(want.length).toBeGreaterThan(0)
    expect(res.json().next).toBeNull()
  })

  it.each([
    ['every entry', '', () => true, 7],
    ['a client', 'client=police', (s: Seed) => s.client === 'police', 4],
    ['a page size that divides the total', 'client=grid', (s: Seed) => s.client === 'grid', 5],
  ])('pages through %s without repeating or skipping one', async (_name, query, keep, limit) => {
    const seen: number[] = []
    let after: string | null = null
    let pages = 0
    do {
      const res = await get(`?limit=${limit}&${query}${after ? `&after=${after}` : ''}`)
      expect(res.statusCode).toBe(200)
      const body: { items: Array<{ id: number }>; next: string | null } = res.json()
      expect(body.items.length).toBeLessThanOrEqual(limit)
      seen.push(...body.items.map((e) => e.id))
      after = body.next
      pages++
    } while (after && pages < 100)
    const want = expected(keep)
    expect(seen).toEqual(want)
    expect(pages).toBe(Math.max(1, Math.ceil(want.length / limit)))
  })

  it.each([
    ['a page over 1000', '?limit=1001', 'limit'],
    ['a page of 0', '?limit=0', 'limit'],
    ['a time without its offset', '?from=2025-03-01T00:00:00', 'from'],
    ['a date alone', '?to=2025-03-01', 'to'],
    ['a cursor that is no cursor', '?after=bm90LWEtY3Vyc29y', 'after'],
    ['a cursor with foreign characters', '?after=a.b', 'after'],
    ['a malformed client id', '?client=Police!', 'client'],
    ['an unknown format', '?format=xml', 'format'],
  ])('refuses %s with 400 SANSHI101 naming the parameter', async (_name, query, param) => {
    const res = await get(query)
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'SANSHI101', status: 400 })
    expect(res.json().detail).toContain(param)
  })

  it('streams the filtered log as CSV: BOM, header, every entry, formulas defused', async () => {
    const res = await get('?format=csv&limit=1')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toBe('attachment; filename="access-log.csv"')
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const rows: string[][] = parse(res.rawPayload.subarray(3).toString('utf8'))
    expect(rows[0]).toEqual([
      'id',
      'at',
      'client',
      'scope',
      'entity_type',
      'record_ids',
      'purpose',
      'reason',
      'request_id',
    ])
    // limit and after shape pages, not the file: it holds every entry the filters select
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(expected(() => true))
    const byId = new Map(rows.slice(1).map((r) => [Number(r[0]), r]))
    FORMULAS.forEach((purpose, k) => {
      const row = byId.get(ids[60 + k]!)!
      expect(row[6], purpose).toBe(`'${purpose}`)
    })
    const first = byId.get(ids[0]!)!
    expect(first.slice(1, 7)).toEqual([
      '2025-03-01T00:00:00.000Z',
      'police',
      'read:person:all',
      'refused_rows',
      'P0;P1',
      '',
    ])
  })

  it('applies the filters to the CSV', async () => {
    const res = await get('?format=csv&client=market&entity_type=person')
    const rows: string[][] = parse(res.rawPayload.subarray(3).toString('utf8'))
    expect(rows.slice(1).map((r) => Number(r[0]))).toEqual(
      expected((s) => s.client === 'market' && s.entityType === 'person'),
    )
  })

  it('logs the purpose and request id beside the reason; a long digit run never lands in the log', async () => {
    await logAccess(getDb(), {
      clientId: 'civil',
      scope: 'read:person:all',
      entityType: 'person',
      recordIds: ['G1'],
      reason: 'GET /v1/persons/{id}',
      purpose: '核查 13812345678 的低保 320102198001011234',
      requestId: '01JQZ8Y1W7K3M5N9P2R4T6V8X0',
    })
    await logAccess(getDb(), {
      clientId: 'police',
      scope: 'uploader:police',
      entityType: 'refused_rows',
      recordIds: ['B1'],
      reason: 'as before: reason only',
    })
    const res = await get('?limit=2')
    const [older, newer] = res.json().items.reverse()
    expect(older).toMatchObject({
      clientId: 'civil',
      reason: 'GET /v1/persons/{id}',
      purpose: '核查 [redacted] 的低保 [redacted]',
      requestId: '01JQZ8Y1W7K3M5N9P2R4T6V8X0',
    })
    expect(newer).toMatchObject({ reason: 'as before: reason only', purpose: null, requestId: null })
  })

  it('is described in the OpenAPI document with every filter', async () => {
    const doc = (await t.app.inject('/docs/json')).json()
    const op = doc.paths['/v1/audit'].get
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(
      ['after', 'client', 'entity_type', 'format', 'from', 'limit', 'purpose', 'record_id', 'to'].sort(),
    )
    expect(op.responses['200']).toBeDefined()
  })
})
