import { Writable } from 'node:stream'
import { beforeAll, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { loggerOptions } from '../../src/api/logging.ts'
import { loadConfig } from '../../src/config.ts'
import { forEachDatabase } from '../support/databases.ts'
import {
  bearer,
  clients,
  hukouCsv,
  multipart,
  SECRET_IDS,
  SECRET_PHONES,
  type TestApp,
  testApp,
} from './support.ts'

/*
 * Every default client against every batch route, on one police batch. The expected answers are
 * written out here, not derived from the policy, so a change to clients.yaml or to `can` that moves
 * a line shows up as a failing cell.
 */
const EXPECTED: Record<
  string,
  {
    list: number
    listsPolice: boolean
    detail: number
    refusedShown: boolean
    download: number
    upload: number
  }
> = {
  police: { list: 200, listsPolice: true, detail: 200, refusedShown: true, download: 200, upload: 200 },
  market: { list: 200, listsPolice: false, detail: 403, refusedShown: false, download: 403, upload: 403 },
  urban: { list: 200, listsPolice: false, detail: 403, refusedShown: false, download: 403, upload: 403 },
  civil: { list: 200, listsPolice: false, detail: 403, refusedShown: false, download: 403, upload: 403 },
  grid: { list: 200, listsPolice: false, detail: 403, refusedShown: false, download: 403, upload: 403 },
  steward: { list: 200, listsPolice: true, detail: 200, refusedShown: false, download: 403, upload: 403 },
  auditor: { list: 200, listsPolice: true, detail: 200, refusedShown: false, download: 403, upload: 403 },
}

it('covers every default client', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(clients.clients.map((c) => c.id).sort())
})

forEachDatabase('scope matrix', (getDb) => {
  let t: TestApp
  let batchId: string
  const logLines: string[] = []

  beforeAll(async () => {
    t = await testApp(getDb())
    // the app under test logs like the served one, into memory, so the log can be searched for secrets
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk))
        done()
      },
    })
    t.app = await buildApp({
      db: getDb(),
      clients,
      config: loadConfig({}),
      logger: { ...loggerOptions('trace'), stream },
    })
    const body = await multipart('police.hukou.csv', hukouCsv())
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(t.keys.police!), ...body.headers },
      payload: body.payload,
    })
    expect(res.statusCode).toBe(201)
    batchId = res.json().batchId
  })

  for (const [client, want] of Object.entries(EXPECTED)) {
    it(`${client}: list, detail, refused download, upload`, async () => {
      const headers = bearer(t.keys[client]!)
      const list = await t.app.inject({ url: '/v1/batches', headers })
      expect(list.statusCode).toBe(want.list)
      const listed = list.json().items.map((b: { batchId: string }) => b.batchId)
      expect(listed.includes(batchId)).toBe(want.listsPolice)

      const detail = await t.app.inject({ url: `/v1/batches/${batchId}`, headers })
      expect(detail.statusCode).toBe(want.detail)
      if (detail.statusCode === 200) expect(detail.json().refused !== null).toBe(want.refusedShown)

      const download = await t.app.inject({ url: `/v1/batches/${batchId}/refused`, headers })
      expect(download.statusCode).toBe(want.download)

      const body = await multipart('police.hukou.csv', hukouCsv())
      const upload = await t.app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { ...headers, ...body.headers },
        payload: body.payload,
      })
      expect(upload.statusCode).toBe(want.upload)
    })
  }

  it('logs refused reads only for the sender', async () => {
    const rows = await getDb().query<{ client_id: string }>('SELECT DISTINCT client_id FROM access_log')
    expect(rows.map((r) => r.client_id)).toEqual(['police'])
  })

  it('wrote no resident id, phone or key to the log', () => {
    expect(logLines.length).toBeGreaterThan(10)
    for (const secret of [...SECRET_IDS, ...SECRET_PHONES, ...Object.values(t.keys)])
      expect(logLines.filter((l) => l.includes(secret))).toEqual([])
  })
})
