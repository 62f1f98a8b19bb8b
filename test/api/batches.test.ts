import ExcelJS from 'exceljs'
import { beforeAll, describe, expect, it } from 'vitest'
import { forEachDatabase } from '../support/databases.ts'
import { bearer, hukouCsv, multipart, SECRET_IDS, SECRET_PHONES, type TestApp, testApp } from './support.ts'

const expectProblem = (body: Record<string, unknown>, status: number, code: string) => {
  expect(body).toMatchObject({ status, code, type: `urn:sanshi:error:${code}` })
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  expect(typeof body.instance).toBe('string')
}

forEachDatabase('batches API', (getDb, kind) => {
  let t: TestApp
  let batchId: string

  beforeAll(async () => {
    t = await testApp(getDb())
  })

  const upload = async (
    client: string,
    fileName: string,
    content: string | Buffer,
    fields: Record<string, string> = {},
  ) => {
    const body = await multipart(fileName, content, fields)
    return t.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(t.keys[client]!), ...body.headers },
      payload: body.payload,
    })
  }

  it('answers /health without a key', async () => {
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok', database: kind, postgis: getDb().capabilities.postgis })
  })

  it.each([
    ['no header', {}],
    ['a wrong key', bearer('sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')],
    ['a malformed key', bearer('not-a-key')],
    ['another scheme', { authorization: `Basic ${Buffer.from('police:x').toString('base64')}` }],
  ])('refuses %s with 401 problem+json', async (_name, headers) => {
    const res = await t.app.inject({ url: '/v1/batches', headers })
    expect(res.statusCode).toBe(401)
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    expectProblem(res.json(), 401, 'SANSHI402')
  })

  it('refuses a police file from market with 403 and writes nothing', async () => {
    const before = await getDb().query<{ n: number }>('SELECT count(*)::int AS n FROM batches')
    const res = await upload('market', 'police.hukou.csv', hukouCsv())
    expect(res.statusCode).toBe(403)
    expectProblem(res.json(), 403, 'SANSHI401')
    const after = await getDb().query<{ n: number }>('SELECT count(*)::int AS n FROM batches')
    expect(after[0]!.n).toBe(before[0]!.n)
  })

  it('also checks rights when the source comes from the headers', async () => {
    const res = await upload('market', 'export.csv', hukouCsv())
    expect(res.statusCode).toBe(403)
    expect(res.json().detail).toContain('police.hukou')
  })

  it('takes a small CSV from police: 201 with the counts', async () => {
    const res = await upload('police', 'police.hukou.csv', hukouCsv())
    expect(res.statusCode).toBe(201)
    const s = res.json()
    expect(s).toMatchObject({
      source: 'police.hukou',
      status: 'committed',
      rows: 4,
      accepted: 3,
      rejected: 1,
      message: null,
    })
    expect(s.batchId).toMatch(/^[0-9A-Z]{26}$/)
    batchId = s.batchId
  })

  it('answers 200 unchanged for the identical file again', async () => {
    const res = await upload('police', 'renamed.csv', hukouCsv(), { source: 'police.hukou' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ batchId, status: 'unchanged' })
  })

  it('answers a file-level error with 422 and where it is', async () => {
    const res = await upload('police', 'police.hukou.csv', '记录编号,姓名\n')
    expect(res.statusCode).toBe(422)
    const body = res.json()
    expectProblem(body, 422, body.code)
    expect(body.file).toBe('police.hukou.csv')
  })

  it('shows the refused rows in zh by default and in en on request', async () => {
    const zh = await t.app.inject({ url: `/v1/batches/${batchId}`, headers: bearer(t.keys.police!) })
    expect(zh.statusCode).toBe(200)
    expect(zh.json()).toMatchObject({ batchId, rows: 4, rejected: 1, refused: { total: 1, shownRows: 1 } })
    expect(zh.json().refused.problems).toEqual([
      { row: 5, column: '姓名', code: 'REQUIRED', severity: 'error', message: '必填项为空' },
    ])
    const en = await t.app.inject({
      url: `/v1/batches/${batchId}`,
      headers: { ...bearer(t.keys.police!), 'accept-language': 'en-GB,en;q=0.9' },
    })
    expect(en.json().refused.problems[0].message).toBe('required value is blank')
    const query = await t.app.inject({
      url: `/v1/batches/${batchId}?lang=en`,
      headers: bearer(t.keys.police!),
    })
    expect(query.json().refused.problems[0].message).toBe('required value is blank')
  })

  it('downloads the refused rows as CSV and XLSX for the sender', async () => {
    const csv = await t.app.inject({
      url: `/v1/batches/${batchId}/refused?format=csv&lang=en`,
      headers: bearer(t.keys.police!),
    })
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.headers['content-disposition']).toContain('attachment')
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split(/\r?\n/)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('why refused')
    expect(lines[1]).toContain('HJ004')

    const xlsx = await t.app.inject({
      url: `/v1/batches/${batchId}/refused?format=xlsx`,
      headers: bearer(t.keys.police!),
    })
    expect(xlsx.statusCode).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(wb.worksheets[0]!.rowCount).toBe(2)
  })

  it('refuses the refused rows to everyone else with 403', async () => {
    for (const client of ['market', 'steward', 'auditor', 'grid']) {
      const res = await t.app.inject({
        url: `/v1/batches/${batchId}/refused`,
        headers: bearer(t.keys[client]!),
      })
      expect(res.statusCode, client).toBe(403)
      expectProblem(res.json(), 403, 'SANSHI401')
    }
    // the steward sees the batch, not its rows
    const steward = await t.app.inject({ url: `/v1/batches/${batchId}`, headers: bearer(t.keys.steward!) })
    expect(steward.statusCode).toBe(200)
    expect(steward.json().refused).toBeNull()
  })

  it('writes every read of refused rows to the access log', async () => {
    const rows = await getDb().query<{
      client_id: string
      scope: string
      entity_type: string
      record_ids: string[]
      reason: string
    }>('SELECT client_id, scope, entity_type, record_ids, reason FROM access_log ORDER BY id')
    // three detail reads and two downloads above, all by police
    expect(rows).toHaveLength(5)
    for (const r of rows)
      expect(r).toMatchObject({
        client_id: 'police',
        // the batch came over the API: its sender reads its refused rows
        scope: 'uploader:police',
        entity_type: 'refused_rows',
        record_ids: [batchId],
      })
    const withReason = await t.app.inject({
      url: `/v1/batches/${batchId}?reason=clerk%20fixes%20March`,
      headers: bearer(t.keys.police!),
    })
    expect(withReason.statusCode).toBe(200)
    const last = await getDb().query<{ reason: string }>(
      'SELECT reason FROM access_log ORDER BY id DESC LIMIT 1',
    )
    expect(last[0]!.reason).toBe('clerk fixes March')
  })

  it('refuses a grid worker’s rows of grids it does not serve', async () => {
    const csv = [
      '记录编号,网格编码,姓名,身份证号,联系电话,房屋地址,人员类型,走访日期',
      'GV-1,320104001007-01,周一,,,秦淮区应天大街9号1号楼201室,户籍,2024-03-01',
      'GV-2,320104009009-09,周二,,,秦淮区应天大街9号1号楼202室,户籍,2024-03-01',
    ].join('\n')
    const res = await upload('grid', 'grid.visit-march.csv', csv, { source: 'grid.visit' })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ rows: 2, accepted: 1, rejected: 1 })
    const detail = await t.app.inject({
      url: `/v1/batches/${res.json().batchId}?lang=en`,
      headers: bearer(t.keys.grid!),
    })
    expect(detail.json().refused.problems).toEqual([
      {
        row: 3,
        column: '网格编码',
        code: 'GRID_OUTSIDE',
        severity: 'error',
        message: 'grid code is not one of the grids you serve',
      },
    ])
  })

  it('lists batches with a cursor', async () => {
    const first = await t.app.inject({ url: '/v1/batches?limit=1', headers: bearer(t.keys.police!) })
    expect(first.statusCode).toBe(200)
    const page = first.json()
    expect(page.items).toHaveLength(1)
    const all = await t.app.inject({ url: '/v1/batches?limit=200', headers: bearer(t.keys.police!) })
    const ids = all.json().items.map((b: { batchId: string }) => b.batchId)
    expect(ids).toContain(batchId)
    if (ids.length > 1) {
      expect(page.next).toBe(ids[0])
      const second = await t.app.inject({
        url: `/v1/batches?limit=1&cursor=${page.next}`,
        headers: bearer(t.keys.police!),
      })
      expect(second.json().items[0].batchId).toBe(ids[1])
    } else expect(page.next).toBeNull()
  })

  it('validates parameters with 400 problems', async () => {
    for (const url of [
      '/v1/batches?limit=0',
      '/v1/batches/not-an-id',
      `/v1/batches/${batchId}/refused?format=pdf`,
    ]) {
      const res = await t.app.inject({ url, headers: bearer(t.keys.police!) })
      expect(res.statusCode, url).toBe(400)
      expectProblem(res.json(), 400, 'SANSHI101')
    }
    const missing = await t.app.inject({
      url: '/v1/batches/01ARZ3NDEKTSV4RRFFQ69G5FAV',
      headers: bearer(t.keys.police!),
    })
    expectProblem(missing.json(), 404, 'SANSHI404')
    const noRoute = await t.app.inject({ url: '/v1/nowhere', headers: bearer(t.keys.police!) })
    expectProblem(noRoute.json(), 404, 'SANSHI404')
  })

  it('refuses a non-multipart upload with 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(t.keys.police!), 'content-type': 'application/json' },
      payload: '{}',
    })
    expect(res.statusCode).toBe(415)
    expectProblem(res.json(), 415, 'SANSHI103')
  })

  it('never puts a resident id or a phone into an answer it refuses', async () => {
    const answers = [
      await upload('market', 'police.hukou.csv', hukouCsv()),
      await upload('police', 'police.hukou.csv', hukouCsv().replace('张小明', '')),
    ]
    for (const a of answers)
      for (const secret of [...SECRET_IDS, ...SECRET_PHONES]) expect(a.body).not.toContain(secret)
  })

  it('documents the routes at /docs/json', async () => {
    const res = await t.app.inject('/docs/json')
    expect(res.statusCode).toBe(200)
    const paths = Object.keys(res.json().paths)
    expect(paths).toEqual(
      expect.arrayContaining(['/health', '/v1/batches', '/v1/batches/{id}', '/v1/batches/{id}/refused']),
    )
    const post = res.json().paths['/v1/batches'].post
    expect(post.requestBody.content['multipart/form-data']).toBeDefined()
    const docs = await t.app.inject('/docs')
    expect([200, 302]).toContain(docs.statusCode)
  })
})

forEachDatabase('upload limits', (getDb) => {
  let t: TestApp
  beforeAll(async () => {
    t = await testApp(getDb(), { SANSHI_MAX_UPLOAD_MB: '0.001' }) // about 1 KB
  })
  it('refuses an oversized upload with 413 and keeps nothing', async () => {
    const body = await multipart('police.hukou.csv', hukouCsv().repeat(10))
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(t.keys.police!), ...body.headers },
      payload: body.payload,
    })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ code: 'SANSHI206', status: 413 })
    const n = await getDb().query<{ n: number }>('SELECT count(*)::int AS n FROM batches')
    expect(n[0]!.n).toBe(0)
  })
})

describe('logging', () => {
  it('scrubs ids and phones from error text', async () => {
    const { scrub } = await import('../../src/api/logging.ts')
    expect(scrub(`bad ${SECRET_IDS[0]} and ${SECRET_PHONES[0]} at row 12`)).toBe(
      'bad [redacted] and [redacted] at row 12',
    )
  })
})
