/**
 * Exports read through COPY on PostgreSQL (registers/export-copy.ts) against the same exports read as
 * records (the path the embedded database takes): the same bytes in every format, for the default clients
 * and for scopes that mask, limit rows by grid, division, department, role and value, and blank
 * references — on a matched district with values added that a COPY must escape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RECORD_SCHEMAS } from '../../../schemas/registers.ts'
import type { EntityType } from '../../../schemas/mentions.ts'
import { exportStream } from '../../../src/api/exports/index.ts'
import { type Client, parseClients } from '../../../src/api/policy/index.ts'
import { copyPlan } from '../../../src/api/registers/export-copy.ts'
import { exportColumns, exportPages } from '../../../src/api/registers/export.ts'
import type { Database } from '../../../src/db/index.ts'
import { openTestDatabase, type TestDatabase, unavailable } from '../../support/databases.ts'
import { collect } from '../exports/support.ts'
import { clients } from '../support.ts'
import { matchedDistrict } from './district.ts'

const ENTITIES: EntityType[] = ['person', 'house', 'unit']
const ctx = { scope: 'export', purpose: null, requestId: null, reason: 'test' }

/** Values a COPY escapes or an array quotes, text a spreadsheet would run, nulls where they may be. */
const addEdgeRecords = async (db: Database): Promise<void> => {
  const [house] = await db.query<{ id: string }>('select id from houses where address_id is not null limit 1')
  await db.query(
    `insert into addresses (key, division_code, road, number, building, room)
       values ('320104|路"甲|8|1|301', '320104', E'路"甲\\t', '8', '1', '301')`,
  )
  await db.query(
    `insert into houses (id, key, address_id, partial, usage, owner_person_id, grid_code, lng, lat)
       select 'H0EDGE1', '320104|路"甲|8|1|301', id, true, '经营', 'P0EDGE1', null, 118.123456789, -0.5
         from addresses where key = '320104|路"甲|8|1|301'`,
  )
  await db.query(
    `insert into houses (id, key, address_id, usage, owner_person_id, lng, lat)
       values ('H0EDGE2', '320104|常府街|8|1|301', null, null, 'P0MISSING', null, null),
              ('H0EDGE3', '!unreadable', null, E'=1+2\\n', null, 1e-7, 180)`,
  )
  await db.query(
    `insert into persons (id, id_number, name, gender, birth_date, phones, hukou_address, category, assistance,
                          house_id, grid_code)
     values ('P0EDGE1', '32010419900101123X', E'张\\t"三",\\\\ \\n四', 'M', '1990',
             array['13800000000', '', null, 'NULL', 'a,b', E'c"d\\\\'], '320104|常府街|8|1|301', '户籍',
             array['=x', '低保'], 'H0EDGE1', null),
            ('P0EDGE2', '1234', '＝1', 'F', '1990-05', '{}', '!x', null, '{}', 'H0MISSING', 'g-none'),
            ('P0EDGE3', null, null, null, null, '{}', null, null, '{}', null, null),
            ('P0EDGE4', '', '', null, null, array['025-88881234-12'], '', null, array[''], $1, null),
            ('P0EDGE5', 'x', '𠀀', null, null, array['1'], '320104|#320104001', null, '{}', 'H0EDGE2', null)`,
    [house!.id],
  )
  // every form of key and address text: format.ts's branches, which the COPY path writes in SQL
  const keys = [
    '320104|@华侨小区|1|301',
    '320104|@|1|',
    '|#',
    '?|#',
    '320104|#',
    '320104|#320104001',
    '320104|#999999',
    '?|常府街|8||',
    '3201|常府街|8|1|301',
    'abcdef|常府街||1|',
    '320104001002|常府街|8|1|301',
    '320104|常府街|8|1',
    '320104|常府街|8|1|301|x',
    '320104||||',
    '!320104|常府街|8|1|301',
  ]
  await db.query(
    `insert into persons (id, hukou_address, phones, assistance)
       select 'P0KEY' || lpad(i::text, 2, '0'), k, '{}', '{}' from unnest($1::text[]) with ordinality x(k, i)`,
    [keys],
  )
  const parts: (string | null)[][] = [
    ['320104', '常府街', '8', null, '1', '2', '3', null],
    ['320104', '常府街', '', '', '', '', '3', ''],
    ['320104001', null, null, '华侨小区', null, null, null, null],
    ['320104001', null, null, null, null, null, null, null],
    [null, null, null, null, null, null, null, null],
    ['', '路', '1', null, null, null, null, '101'],
    ['9999', '路', '1', null, null, null, null, '101'],
  ]
  for (const [i, p] of parts.entries()) {
    await db.query(
      `insert into addresses (key, division_code, road, number, compound, building, unit, floor, room)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [`edge-${i}`, ...p],
    )
    await db.query(
      `insert into houses (id, key, address_id) select $1, key, id from addresses where key = $2`,
      [`H0PART${i}`, `edge-${i}`],
    )
    await db.query(`insert into persons (id, house_id, phones, assistance) values ($1, $2, '{}', '{}')`, [
      `P0PART${i}`,
      `H0PART${i}`,
    ])
  }
  await db.query(
    `insert into units (id, credit_code, name, sign_names, kind, status, legal_rep_person_id, house_id)
     values ('U0EDGE1', '=cmd', E'店\\r\\n名', array['a,b', null, ''], '企业', '存续', 'P0EDGE1', 'H0EDGE1'),
            ('U0EDGE2', null, null, '{}', '社会组织', null, 'P0MISSING', 'H0EDGE3')`,
  )
}

/** Clients whose scopes exercise every row rule, masks and blanked references, on this district's values. */
const scopedClients = async (db: Database): Promise<readonly Client[]> => {
  const [g] = await db.query<{ code: string }>(
    'select grid_code as code from houses where grid_code is not null group by 1 order by count(*) desc limit 1',
  )
  const [d] = await db.query<{ code: string }>(
    `select left(division_code, 9) as code from addresses where length(division_code) >= 9
      group by 1 order by count(*) desc limit 1`,
  )
  const yaml = `
clients:
  - id: masked
    department: police
    role: clerk
    grids: ['${g!.code}', 'g-none']
    divisions: ['${d!.code}']
    person: { read: true, rows: grids, fields: { default: whole, name: masked, idNumber: masked, phones: masked } }
    house: { read: true, rows: divisions, fields: { default: whole, lng: hidden } }
    unit: { read: true, rows: all, where: { kind: [企业] }, fields: { default: whole } }
    export: true
  - id: dept
    department: civil
    role: clerk
    person: { read: true, rows: own-department, where: { assistance: [低保, 特困] }, fields: { default: masked } }
    house: { read: true, rows: all, where: { usage: [经营] }, fields: { default: whole } }
    unit: { read: true, rows: all, roles: [legal_rep, operator], fields: { default: hidden, name: whole, houseId: whole } }
    export: true
  - id: blind
    department: urban
    role: clerk
    person: { read: false }
    house: { read: true, rows: all, fields: { default: whole } }
    unit: { read: true, rows: all, fields: { default: whole, legalRepPersonId: whole } }
    export: true
`
  return parseClients(yaml, 'test').clients
}

describe.skipIf(unavailable('postgres'))('exports through COPY [postgres]', () => {
  let t: TestDatabase
  let records: Database
  let all: Client[]

  beforeAll(async () => {
    t = await openTestDatabase('postgres')
    await matchedDistrict(t.database, 400, 11)
    await addEdgeRecords(t.database)
    // the same database with no COPY out: the exports read records, as on the embedded database
    records = { ...t.database, copyOut: undefined }
    all = [...clients.clients.filter((c) => c.export), ...(await scopedClients(t.database))]
  }, 180_000)
  afterAll(async () => {
    await t?.dispose()
  })

  it('every field of every register has a COPY form', () => {
    const police = clients.get('police')!
    for (const e of ENTITIES) {
      expect(Object.keys(RECORD_SCHEMAS[e].shape).length).toBe(exportColumns(police, e).length)
      expect(copyPlan(police, e, exportColumns(police, e)), e).not.toBeNull()
    }
  })

  it('gives the bytes the record path gives, for every client, register and format', async () => {
    let compared = 0
    for (const client of all)
      for (const e of ENTITIES) {
        if (!client[e].read) continue
        const columns = exportColumns(client, e)
        expect(copyPlan(client, e, columns), `${client.id} ${e}`).not.toBeNull()
        for (const format of ['csv', 'arrow', 'xlsx'] as const) {
          const copied = await collect(exportStream(format, columns, exportPages(t.database, client, e, ctx)))
          const read = await collect(exportStream(format, columns, exportPages(records, client, e, ctx)))
          expect(copied.length, `${client.id} ${e} ${format}`).toBeGreaterThan(0)
          expect(Buffer.compare(copied, read), `${client.id} ${e} ${format}`).toBe(0)
          compared++
        }
      }
    expect(compared).toBeGreaterThanOrEqual(30)
  }, 120_000)

  it('the edge rows are in the exports, escaped and masked as the scope says', async () => {
    const csvOf = async (client: Client) =>
      (
        await collect(
          exportStream(
            'csv',
            exportColumns(client, 'person'),
            exportPages(t.database, client, 'person', ctx),
          ),
        )
      ).toString()
    const whole = await csvOf(clients.get('police')!)
    expect(whole).toContain('P0EDGE1,32010419900101123X,"张\t""三"",\\ \n四",M,1990,,')
    expect(whole).toContain(`"13800000000;;null;NULL;a,b;c""d\\"`)
    // in grid g-none, so the masked client sees it: the name masked, then guarded as a formula
    expect(await csvOf(all.find((c) => c.id === 'masked')!)).toMatch(/^P0EDGE2,[^,]*,'＝\*,F,1990-05,/m)
  })

  it('an export stopped after its first page frees its connection, the page logged', async () => {
    const police = clients.get('police')!
    const before = await t.database.query<{ n: number }>('select count(*)::int as n from access_log')
    for (let i = 0; i < 6; i++)
      for await (const page of exportPages(t.database, police, 'person', ctx)) {
        expect(page.length).toBeGreaterThan(0)
        break
      }
    expect(await t.database.query('select 1 as one')).toEqual([{ one: 1 }])
    const after = await t.database.query<{ n: number }>('select count(*)::int as n from access_log')
    // the district fits one page: each export logged it before handing it on
    expect(after[0]!.n - before[0]!.n).toBe(6)
  })
})
