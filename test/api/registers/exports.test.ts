/**
 * Exports on a matched district, on both databases: each client gets exactly the rows and columns its
 * scope allows, masked as it says; the CLI writes the same bytes the route sends; persons exported are
 * in the access log; clients that may not export get 403.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fieldView, rowsCondition } from '../../../src/api/policy/index.ts'
import { exportToFile } from '../../../src/cli/export-command.ts'
import { forEachDatabase } from '../../support/databases.ts'
import { bearer, clients, type TestApp, testApp } from '../support.ts'
import { matchedDistrict } from './district.ts'

const dir = mkdtempSync(join(tmpdir(), 'sanshi-exports-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const csvRows = (body: Buffer | string): Record<string, string>[] =>
  parse(String(body).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[]

forEachDatabase('exports', (getDb, kind) => {
  let t: TestApp
  const get = (client: string, url: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { ...bearer(t.keys[client]!), 'x-purpose': 'quarterly%20report' },
    })
  const inScope = async (client: string, table: string, entity: 'person' | 'house' | 'unit') => {
    const params: unknown[] = []
    const cond = rowsCondition(clients.get(client)!, entity, 't', params)
    return (
      await getDb().query<{ id: string }>(`select t.id from ${table} t where ${cond} order by t.id`, params)
    ).map((r) => r.id)
  }

  beforeAll(async () => {
    await matchedDistrict(getDb(), 700, 11)
    t = await testApp(getDb())
  }, 180_000)

  it('only clients that may export get an export', async () => {
    for (const [client, status] of [
      ['police', 200],
      ['market', 200],
      ['steward', 403],
      ['grid', 403],
      ['auditor', 403],
      ['urban', 403], // urban reads no persons
    ] as const)
      expect((await get(client, '/v1/exports/persons?format=csv')).statusCode, client).toBe(status)
  })

  it('a CSV export holds the rows of the scope, with hidden fields left out and masked ones masked', async () => {
    for (const client of ['police', 'market', 'civil']) {
      const res = await get(client, '/v1/exports/persons?format=csv')
      expect(res.headers['content-type']).toMatch(/text\/csv/)
      const rows = csvRows(res.rawPayload)
      expect(rows.map((r) => r.id)).toEqual(await inScope(client, 'persons', 'person'))
      const c = clients.get(client)!
      for (const field of ['idNumber', 'phones', 'birthDate', 'assistance']) {
        const view = fieldView(c, 'person', field)
        if (view === 'hidden') expect(Object.keys(rows[0]!)).not.toContain(field)
        else expect(Object.keys(rows[0]!)).toContain(field)
      }
      if (fieldView(c, 'person', 'idNumber') === 'masked')
        for (const r of rows) if (r.idNumber) expect(r.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/)
    }
  })

  it('Arrow carries the same rows and types, lists as lists', async () => {
    const res = await get('police', '/v1/exports/persons?format=arrow')
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream')
    const table = tableFromIPC(res.rawPayload)
    expect(table.numRows).toBe((await inScope('police', 'persons', 'person')).length)
    const phones = table.getChild('phones')!.get(0)
    expect(phones === null || typeof phones.toArray === 'function').toBe(true)
  })

  it('the CLI writes the bytes the route sends, in every format', async () => {
    for (const format of ['csv', 'xlsx', 'arrow'] as const) {
      const api = await get('market', `/v1/exports/units?format=${format}`)
      expect(api.statusCode).toBe(200)
      const file = join(dir, `${kind}-units.${format}`)
      await exportToFile(getDb(), clients.get('market')!, 'units', format, file, null)
      expect(Buffer.compare(readFileSync(file), api.rawPayload), format).toBe(0)
    }
  })

  it('relations: only pairs whose both ends the client sees', async () => {
    const urban = csvRows((await get('urban', '/v1/exports/relations?format=csv')).rawPayload)
    expect(urban.length).toBeGreaterThan(0)
    expect(new Set(urban.map((r) => r.kind))).toEqual(new Set(['unit_house']))
    const houses = new Set(await inScope('urban', 'houses', 'house'))
    for (const r of urban) expect(houses.has(r.toId!)).toBe(true)
    const police = csvRows((await get('police', '/v1/exports/relations?format=csv')).rawPayload)
    expect(new Set(police.map((r) => r.kind))).toEqual(new Set(['person_house', 'person_unit', 'unit_house']))
  })

  it('every person exported is in the access log with the purpose', async () => {
    await get('civil', '/v1/exports/persons?format=csv')
    const logged = await getDb().query<{ ids: string[] }>(
      `select record_ids as ids from access_log where client_id = 'civil' and purpose = 'quarterly report'`,
    )
    const ids = new Set(logged.flatMap((l) => l.ids))
    for (const id of await inScope('civil', 'persons', 'person')) expect(ids.has(id)).toBe(true)
  })
})
