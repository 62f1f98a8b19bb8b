/**
 * Every default client × every register route × every field, on a matched district, on both databases:
 * nothing outside a scope appears anywhere. The expected answers come from rowVisible and fieldView
 * (policy/rows.ts, fields.ts), the plain statement of each rule over one record's facts; the routes run
 * the rules as SQL (policy/rows-sql.ts). Out-of-scope and absent records must answer alike, and a type a
 * client never reads answers 403 whatever the id, so no status or body tells that a record exists.
 */
import { tableFromIPC } from 'apache-arrow'
import { beforeAll, describe, expect, it } from 'vitest'
import type { EntityType, Role } from '../../../schemas/mentions.ts'
import {
  type Client,
  fieldView,
  rowsCondition,
  type RecordFacts,
  rowVisible,
  viewRecord,
} from '../../../src/api/policy/index.ts'
import { selectRecords } from '../../../src/api/registers/read.ts'
import { forEachDatabase } from '../../support/databases.ts'
import { bearer, clients, type TestApp, testApp } from '../support.ts'
import { matchedDistrict } from './district.ts'

const ENTITIES: EntityType[] = ['person', 'house', 'unit']
const PATH: Record<EntityType, string> = { person: 'persons', house: 'houses', unit: 'units' }
const TABLE = PATH
const ABSENT: Record<EntityType, string> = {
  person: 'P' + '7'.repeat(26),
  house: 'H' + '7'.repeat(26),
  unit: 'U' + '7'.repeat(26),
}
const SAMPLE = 25

type Row = Record<string, unknown> & { id: string }

/** Spread the sample over the register: the first, the last and evenly between. */
const sample = <T>(xs: readonly T[], n: number): T[] =>
  xs.length <= n
    ? [...xs]
    : Array.from({ length: n }, (_, i) => xs[Math.floor((i * (xs.length - 1)) / (n - 1))]!)

forEachDatabase('register scope matrix', (getDb) => {
  let t: TestApp
  /** every golden record, whole, and the facts the row rules read */
  const records: Record<EntityType, Row[]> = { person: [], house: [], unit: [] }
  const facts: Record<EntityType, Map<string, RecordFacts>> = {
    person: new Map(),
    house: new Map(),
    unit: new Map(),
  }
  const visible = (c: Client, e: EntityType, id: string) => rowVisible(c, e, facts[e].get(id)!)

  beforeAll(async () => {
    const db = getDb()
    await matchedDistrict(db, 900, 11)
    // the grids the persons and houses were put in, so the grid client's grids exist
    await db.query(
      `insert into grids (code) select distinct grid_code from houses where grid_code is not null
       union select distinct grid_code from persons where grid_code is not null
       on conflict do nothing`,
    )
    t = await testApp(db)
    const police = clients.get('police')!
    for (const e of ENTITIES) {
      records[e] = (await selectRecords(db, police, e, { where: 'true', params: [], limit: 1e6 })) as Row[]
      const links = await db.query<{ id: string; source: string; role: Role }>(
        `select l.golden_id as id, s.source, l.role from entity_links l join source_records s on s.id = l.source_record_id
          where l.entity_type = $1`,
        [e],
      )
      const divisions = await db.query<{ id: string; division: string | null }>(
        e === 'house'
          ? 'select t.id, a.division_code as division from houses t left join addresses a on a.id = t.address_id'
          : `select t.id, a.division_code as division from ${TABLE[e]} t
               left join houses h on h.id = t.house_id left join addresses a on a.id = h.address_id`,
      )
      const divisionOf = new Map(divisions.map((d) => [d.id, d.division]))
      for (const r of records[e])
        facts[e].set(r.id, {
          gridCode: (r.gridCode as string | null) ?? null,
          divisionCode: divisionOf.get(r.id) ?? null,
          sources: [],
          roles: [],
          fields: r,
        })
      for (const l of links) {
        const f = facts[e].get(l.id)
        if (!f) continue
        ;(f.sources as string[]).push(l.source)
        ;(f.roles as Role[]).push(l.role)
      }
    }
  }, 180_000)

  it('the district has records of every type, and every default client sees some but not all of what it reads', () => {
    for (const e of ENTITIES) expect(records[e].length).toBeGreaterThan(50)
    for (const c of clients.clients)
      for (const e of ENTITIES) {
        if (!c[e].read) continue
        const n = records[e].filter((r) => visible(c, e, r.id)).length
        expect(n, `${c.id} ${e}`).toBeGreaterThan(0)
      }
    // the limited ones are really limited
    expect(records.person.filter((r) => visible(clients.get('grid')!, 'person', r.id)).length).toBeLessThan(
      records.person.length,
    )
    expect(records.person.filter((r) => visible(clients.get('market')!, 'person', r.id)).length).toBeLessThan(
      records.person.length,
    )
  })

  for (const client of clients.clients) {
    describe(client.id, () => {
      for (const e of ENTITIES) {
        it(`${e}: the SQL row condition keeps exactly the rows the rules allow`, async () => {
          const params: unknown[] = []
          const cond = rowsCondition(client, e, 't', params)
          const rows = await getDb().query<{ id: string }>(
            `select t.id from ${TABLE[e]} t where ${cond}`,
            params,
          )
          const want = records[e].filter((r) => visible(client, e, r.id)).map((r) => r.id)
          expect(rows.map((r) => r.id).sort()).toEqual(want.sort())
        })

        it(`${e}: GET /v1/${PATH[e]}/{id} shows each field as the scope says, and nothing out of scope`, async () => {
          const absent = await t.app.inject({
            method: 'GET',
            url: `/v1/${PATH[e]}/${ABSENT[e]}`,
            headers: bearer(t.keys[client.id]!),
          })
          if (!client[e].read) expect(absent.statusCode).toBe(403)
          else expect(absent.statusCode).toBe(404)
          const inScope = records[e].filter((r) => visible(client, e, r.id))
          const outOfScope = records[e].filter((r) => !visible(client, e, r.id))
          for (const r of [...sample(inScope, SAMPLE), ...sample(outOfScope, SAMPLE)]) {
            const res = await t.app.inject({
              method: 'GET',
              url: `/v1/${PATH[e]}/${r.id}?include=relations,sources`,
              headers: bearer(t.keys[client.id]!),
            })
            if (!client[e].read) {
              expect(res.statusCode).toBe(403)
              expect(res.body.replaceAll(r.id, ABSENT[e])).toBe(absent.body)
              continue
            }
            if (!visible(client, e, r.id)) {
              // the same answer as for an id that never existed, but for the id itself
              expect(res.statusCode).toBe(404)
              expect(res.body.replaceAll(r.id, ABSENT[e])).toBe(absent.body)
              continue
            }
            expect(res.statusCode).toBe(200)
            const body = res.json()
            const { relations, sources, ...fields } = body
            // references to records the client cannot see are blank; then the field view decides
            const expected = { ...r }
            if (e === 'person' && r.houseId && !visible(client, 'house', r.houseId as string))
              expected.houseId = null
            if (e === 'house' && r.ownerPersonId && !visible(client, 'person', r.ownerPersonId as string))
              expected.ownerPersonId = null
            if (e === 'unit') {
              if (r.legalRepPersonId && !visible(client, 'person', r.legalRepPersonId as string))
                expected.legalRepPersonId = null
              if (r.houseId && !visible(client, 'house', r.houseId as string)) expected.houseId = null
            }
            expect(fields).toEqual(viewRecord(client, e, expected))
            for (const key of Object.keys(r))
              if (fieldView(client, e, key) === 'hidden') expect(fields).not.toHaveProperty(key)
            expect(Array.isArray(sources)).toBe(true)
            for (const rel of relations as { entity: EntityType; id: string; label: string | null }[]) {
              expect(visible(client, rel.entity, rel.id), `${rel.entity} ${rel.id} named in a relation`).toBe(
                true,
              )
              if (rel.entity === 'person') {
                const other = records.person.find((p) => p.id === rel.id)!
                expect(rel.label).toBe(viewRecord(client, 'person', other).name ?? null)
              }
            }
          }
        })
      }

      it('every list route — by name, phone, address, credit code, place, and the exports — shows only what the scope allows', async () => {
        const c = client
        /** the client's view of a whole record, references outside its scope blanked, as the routes must give it */
        const expected = (e: EntityType, id: string) => {
          const r = { ...records[e].find((x) => x.id === id)! }
          for (const [field, target] of [
            ['houseId', 'house'],
            ['ownerPersonId', 'person'],
            ['legalRepPersonId', 'person'],
          ] as const)
            if (typeof r[field] === 'string' && !visible(c, target, r[field] as string)) r[field] = null
          return viewRecord(c, e, r)
        }
        const check = async (e: EntityType, url: string) => {
          const res = await t.app.inject({ method: 'GET', url, headers: bearer(t.keys[c.id]!) })
          if (!c[e].read) {
            expect(res.statusCode, url).toBe(403)
            return
          }
          expect(res.statusCode, url).toBe(200)
          for (const item of res.json().items as Row[]) {
            expect(visible(c, e, item.id), `${url} → ${item.id}`).toBe(true)
            const { relations: _r, sources: _s, ...fields } = item
            expect(fields, url).toEqual(expected(e, item.id))
          }
        }
        const persons = sample(records.person, 8)
        for (const p of persons) {
          if (p.name)
            await check(
              'person',
              `/v1/persons?name=${encodeURIComponent(p.name as string)}&match=pinyin&limit=500`,
            )
          const phone = (p.phones as string[])[0]
          if (phone) await check('person', `/v1/persons?phone=${encodeURIComponent(phone)}&limit=500`)
          if (p.address)
            await check('person', `/v1/persons?address=${encodeURIComponent(p.address as string)}&limit=500`)
        }
        for (const h of sample(
          records.house.filter((x) => x.address && x.room),
          6,
        ))
          await check('house', `/v1/houses?address=${encodeURIComponent(h.address as string)}&limit=500`)
        for (const h of sample(
          records.house.filter((x) => x.lng != null),
          3,
        ))
          await check('house', `/v1/houses?near=${h.lng},${h.lat}&radius=200&limit=500`)
        for (const u of sample(
          records.unit.filter((x) => x.creditCode),
          6,
        )) {
          await check('unit', `/v1/units?credit_code=${u.creditCode}`)
          await check('unit', `/v1/units?name=${encodeURIComponent(u.name as string)}&match=fuzzy&limit=500`)
        }
        // exports: every row in scope, each exactly as the record route shows it, nothing else
        for (const e of ENTITIES) {
          const res = await t.app.inject({
            method: 'GET',
            url: `/v1/exports/${PATH[e]}?format=arrow`,
            headers: bearer(t.keys[c.id]!),
          })
          if (!c.export || !c[e].read) {
            expect(res.statusCode, `${c.id} export ${e}`).toBe(403)
            continue
          }
          const table = tableFromIPC(res.rawPayload)
          const want = records[e].filter((r) => visible(c, e, r.id))
          expect(table.numRows).toBe(want.length)
          const columns = table.schema.fields.map((f) => f.name)
          for (const key of Object.keys(records[e][0]!))
            expect(columns.includes(key), `${c.id} ${e}.${key}`).toBe(fieldView(c, e, key) !== 'hidden')
          const rows = table.toArray().map((r) => r.toJSON() as Record<string, unknown>)
          for (const [i, r] of sample(want, 10).entries()) {
            const row = rows.find((x) => x.id === r.id)!
            const view = expected(e, r.id)
            for (const [k, v] of Object.entries(view))
              expect(
                Array.isArray(v) ? [...(row[k] as Iterable<unknown>)] : row[k],
                `${c.id} ${e} ${i} ${k}`,
              ).toEqual(v)
          }
        }
      })

      it('lookups find only persons in scope, and ids and phones only as the scope shows them', async () => {
        const probe = sample(
          records.person.filter((p) => p.idNumber),
          SAMPLE,
        )
        for (const p of probe) {
          const res = await t.app.inject({
            method: 'GET',
            url: `/v1/persons?id_number=${p.idNumber}`,
            headers: bearer(t.keys[client.id]!),
          })
          if (!client.person.read) {
            expect(res.statusCode).toBe(403)
            continue
          }
          const ids = res.json().items.map((i: Row) => i.id)
          expect(ids).toEqual(visible(client, 'person', p.id) ? [p.id] : [])
          if (fieldView(client, 'person', 'idNumber') !== 'whole')
            expect(res.body).not.toContain(p.idNumber as string)
          if (fieldView(client, 'person', 'phones') !== 'whole')
            for (const phone of p.phones as string[]) expect(res.body).not.toContain(phone)
        }
      })

      it("a grid's members: exactly those in scope, or 404 for a grid it does not serve", async () => {
        const codes = [...new Set(records.person.map((p) => p.gridCode).filter((g): g is string => !!g))]
        for (const code of sample(codes.sort(), 6)) {
          for (const e of ENTITIES) {
            const res = await t.app.inject({
              method: 'GET',
              url: `/v1/grids/${code}/${PATH[e]}?limit=500`,
              headers: bearer(t.keys[client.id]!),
            })
            const want = records[e]
              .filter((r) => r.gridCode === code && visible(client, e, r.id))
              .map((r) => r.id)
            if (!client[e].read || (client[e].rows === 'grids' && !client.grids!.includes(code))) {
              expect(res.statusCode).toBe(404)
              expect(want).toEqual([])
              continue
            }
            expect(res.statusCode).toBe(200)
            expect(
              res
                .json()
                .items.map((i: Row) => i.id)
                .sort(),
            ).toEqual(want.sort())
          }
        }
      })
    })
  }
})
