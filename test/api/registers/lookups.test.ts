/**
 * The register routes on a matched synthetic district, on both databases: every way to look a person,
 * house or unit up finds the golden record the data says, in the caller's scope, and every person served
 * is in the access log.
 */
import { beforeAll, expect, it } from 'vitest'
import { formatAddress } from '../../../src/normalize/address/index.ts'
import { forEachDatabase } from '../../support/databases.ts'
import { bearer, type TestApp, testApp } from '../support.ts'
import { matchedDistrict } from './district.ts'

interface Row {
  [k: string]: unknown
}

forEachDatabase('register lookups', (getDb) => {
  let t: TestApp
  const get = (client: string, url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...bearer(t.keys[client]!), ...headers } })
  const one = async <T = Row>(sql: string, params: unknown[] = []): Promise<T> => {
    const [row] = await getDb().query<T>(sql, params)
    if (!row) throw new Error(`no row for ${sql}`)
    return row
  }

  beforeAll(async () => {
    await matchedDistrict(getDb())
    t = await testApp(getDb())
  }, 120_000)

  it('finds a person by resident id, in its 18-digit, 15-digit and lower-case forms', async () => {
    const p = await one<{ id: string; id_number: string }>(
      `select id, id_number from persons where id_number like '%X' and substr(id_number, 7, 2) = '19' limit 1`,
    )
    const fifteen = p.id_number.slice(0, 6) + p.id_number.slice(8, 17)
    for (const form of [p.id_number, p.id_number.toLowerCase(), fifteen]) {
      const res = await get('police', `/v1/persons?id_number=${form}`)
      expect(res.statusCode).toBe(200)
      expect(res.json().items.map((i: Row) => i.id)).toEqual([p.id])
      expect(res.json().items[0].idNumber).toBe(p.id_number)
    }
  })

  it('refuses a malformed id without repeating it', async () => {
    const res = await get('police', '/v1/persons?id_number=3201041980')
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/)
    expect(res.body).not.toContain('3201041980')
  })

  it('asks for exactly one way to look up', async () => {
    expect((await get('police', '/v1/persons')).statusCode).toBe(400)
    expect((await get('police', '/v1/persons?name=张伟&phone=13812345678')).statusCode).toBe(400)
  })

  it('finds persons by exact name, same pinyin and one character away', async () => {
    const p = await one<{ id: string; name: string; name_pinyin: string }>(
      `select id, name, name_pinyin from persons where char_length(name) = 3 and name_pinyin is not null limit 1`,
    )
    const exact = await get('police', `/v1/persons?name=${encodeURIComponent(p.name)}&limit=500`)
    expect(exact.json().items.every((i: Row) => i.name === p.name)).toBe(true)
    expect(exact.json().items.map((i: Row) => i.id)).toContain(p.id)

    const pinyin = await get(
      'police',
      `/v1/persons?name=${encodeURIComponent(p.name)}&match=pinyin&limit=500`,
    )
    expect(pinyin.json().items.map((i: Row) => i.id)).toContain(p.id)
    const samePinyin = await getDb().query<{ id: string }>('select id from persons where name_pinyin = $1', [
      p.name_pinyin,
    ])
    expect(pinyin.json().items.length).toBe(Math.min(samePinyin.length, 500))

    const typo = [...p.name].map((c, i) => (i === 2 ? '囧' : c)).join('')
    const fuzzy = await get('police', `/v1/persons?name=${encodeURIComponent(typo)}&match=fuzzy&limit=500`)
    expect(fuzzy.statusCode).toBe(200)
    expect(fuzzy.json().items.map((i: Row) => i.id)).toContain(p.id)
  })

  it('finds a person by phone in any spelling', async () => {
    const p = await one<{ id: string; phone: string }>(
      `select id, phones[1] as phone from persons where phones[1] ~ '^1[0-9]{10}$' limit 1`,
    )
    const spelled = `+86 ${p.phone.slice(0, 3)}-${p.phone.slice(3, 7)}-${p.phone.slice(7)}`
    const res = await get('police', `/v1/persons?phone=${encodeURIComponent(spelled)}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().items.map((i: Row) => i.id)).toContain(p.id)
  })

  it('finds a house by its address and who lives there', async () => {
    const h = await one<Row & { id: string }>(
      `select h.id, a.division_code, a.road, a.number, a.compound, a.building, a.unit, a.floor, a.room
         from houses h join addresses a on a.id = h.address_id
        where a.road is not null and a.number is not null and a.building is not null and a.room is not null
          and exists (select 1 from person_houses ph where ph.house_id = h.id)
        limit 1`,
    )
    const text = formatAddress(h as never)!
    const dashed = `${h.road}${h.number}-${h.building}-${h.unit ?? 1}-${h.room}`
    for (const address of [text, dashed]) {
      const res = await get('police', `/v1/houses?address=${encodeURIComponent(address)}&include=relations`)
      expect(res.statusCode).toBe(200)
      const [house] = res.json().items
      expect(house.id).toBe(h.id)
      expect(house.relations.some((r: Row) => r.entity === 'person')).toBe(true)
    }
    const persons = await get('police', `/v1/persons?address=${encodeURIComponent(text)}`)
    const living = await getDb().query<{ person_id: string }>(
      'select distinct person_id from person_houses where house_id = $1',
      [h.id],
    )
    for (const l of living) expect(persons.json().items.map((i: Row) => i.id)).toContain(l.person_id)
  })

  it('an address without a room finds every house of its building', async () => {
    const h = await one<Row & { id: string; key: string }>(
      `select h.id, h.key, a.division_code, a.road, a.number, a.building
         from houses h join addresses a on a.id = h.address_id
        where a.road is not null and a.number is not null and a.building is not null and a.room is not null
        limit 1`,
    )
    const building = h.key.slice(0, h.key.lastIndexOf('|') + 1)
    const rooms = await getDb().query<{ id: string }>('select id from houses where starts_with(key, $1)', [
      building,
    ])
    const res = await get(
      'police',
      `/v1/houses?address=${encodeURIComponent(`${h.road}${h.number}号${h.building}栋`)}&limit=500`,
    )
    expect(
      res
        .json()
        .items.map((i: Row) => i.id)
        .sort(),
    ).toEqual(rooms.map((r) => r.id).sort())
  })

  it('finds a unit by credit code and by registered or sign name, with its premises', async () => {
    const u = await one<{ id: string; credit_code: string; name: string }>(
      `select id, credit_code, name from units where credit_code is not null and house_id is not null limit 1`,
    )
    const byCode = await get(
      'police',
      `/v1/units?credit_code=${u.credit_code.toLowerCase()}&include=relations`,
    )
    expect(byCode.json().items.map((i: Row) => i.id)).toEqual([u.id])
    expect(byCode.json().items[0].relations.some((r: Row) => r.entity === 'house')).toBe(true)
    const byName = await get('police', `/v1/units?name=${encodeURIComponent(u.name)}`)
    expect(byName.json().items.map((i: Row) => i.id)).toContain(u.id)
    const signed = await getDb().query<{ id: string; sign: string }>(
      `select id, sign_names[1] as sign from units where cardinality(sign_names) > 0 limit 1`,
    )
    if (signed[0]) {
      const bySign = await get('urban', `/v1/units?name=${encodeURIComponent(signed[0].sign)}`)
      expect(bySign.json().items.map((i: Row) => i.id)).toContain(signed[0].id)
    }
  })

  it('pages a grid with keyset pagination: every member once', async () => {
    const g = await one<{ grid_code: string; n: number }>(
      `select grid_code, count(*)::int as n from persons where grid_code is not null
        group by 1 order by 2 desc limit 1`,
    )
    await getDb().query(`insert into grids (code, name) values ($1, 'test grid') on conflict do nothing`, [
      g.grid_code,
    ])
    const seen: string[] = []
    let next: string | null = null
    do {
      const res = await get(
        'police',
        `/v1/grids/${g.grid_code}/persons?limit=7${next ? `&after=${next}` : ''}`,
      )
      expect(res.statusCode).toBe(200)
      seen.push(...res.json().items.map((i: Row) => i.id))
      next = res.json().next
    } while (next)
    expect(seen.length).toBe(g.n)
    expect(new Set(seen).size).toBe(g.n)
  })

  it("by=polygon lists the houses lying within a grid's polygon: those the grid was given by place", async () => {
    const g = await one<{ code: string }>(
      `select grid_code as code from houses where lng is not null and grid_code is not null
        group by 1 order by count(*) desc limit 1`,
    )
    const placed = await getDb().query<{ id: string }>(
      'select id from houses where grid_code = $1 and lng is not null order by id',
      [g.code],
    )
    const res = await get('police', `/v1/grids/${g.code}/houses?by=polygon&limit=500`)
    expect(res.statusCode).toBe(200)
    expect(res.json().items.map((i: Row) => i.id)).toEqual(placed.map((p) => p.id))
    const persons = await get('police', `/v1/grids/${g.code}/persons?by=polygon&limit=500`)
    for (const p of persons.json().items) expect(placed.map((h) => h.id)).toContain(p.houseId)
  })

  it('near=lng,lat finds the houses within the radius, and no other', async () => {
    const h = await one<{ id: string; lng: number; lat: number }>(
      'select id, lng, lat from houses where lng is not null order by id limit 1',
    )
    const radius = 300
    const res = await get('police', `/v1/houses?near=${h.lng},${h.lat}&radius=${radius}&limit=500`)
    expect(res.statusCode).toBe(200)
    const ids = res.json().items.map((i: Row) => i.id)
    expect(ids).toContain(h.id)
    // the great-circle distance of every house with a point, computed here, decides who should be in
    const all = await getDb().query<{ id: string; lng: number; lat: number }>(
      'select id, lng, lat from houses where lng is not null',
    )
    const rad = (d: number) => (d * Math.PI) / 180
    const metres = (a: { lng: number; lat: number }) =>
      2 *
      6_371_008.8 *
      Math.asin(
        Math.sqrt(
          Math.sin(rad(a.lat - h.lat) / 2) ** 2 +
            Math.cos(rad(h.lat)) * Math.cos(rad(a.lat)) * Math.sin(rad(a.lng - h.lng) / 2) ** 2,
        ),
      )
    // a metre of slack either side: PostGIS measures on the spheroid, the fallback on a sphere
    for (const a of all) {
      const d = metres(a)
      if (d < radius - 1) expect(ids).toContain(a.id)
      if (d > radius + 1) expect(ids).not.toContain(a.id)
    }
  })

  it('a merged-away id answers with its survivor', async () => {
    const p = await one<{ id: string }>('select id from persons limit 1')
    const gone = 'P' + '0'.repeat(26)
    await getDb().query(
      `insert into golden_redirects (entity_type, from_id, to_id, reason) values ('person', $1, $2, 'test')`,
      [gone, p.id],
    )
    const res = await get('police', `/v1/persons/${gone}`)
    expect(res.statusCode).toBe(200)
    expect(res.json().id).toBe(p.id)
  })

  it('lists sources with how each was linked', async () => {
    const p = await one<{ id: string }>(
      `select golden_id as id from entity_links where entity_type = 'person' group by 1 having count(*) > 2 limit 1`,
    )
    const res = await get('police', `/v1/persons/${p.id}?include=sources,relations`)
    expect(res.statusCode).toBe(200)
    expect(res.json().sources.length).toBeGreaterThan(2)
    for (const s of res.json().sources) expect(['rule', 'model', 'steward']).toContain(s.method)
  })

  it('writes every person served to the access log, with the purpose', async () => {
    const p = await one<{ id: string; id_number: string }>(
      'select id, id_number from persons where id_number is not null limit 1',
    )
    const purpose = '入户走访核实'
    await get('police', `/v1/persons?id_number=${p.id_number}`, { 'x-purpose': encodeURIComponent(purpose) })
    const [entry] = await getDb().query<{ client_id: string; record_ids: string[]; purpose: string }>(
      'select client_id, record_ids, purpose from access_log order by id desc limit 1',
    )
    expect(entry).toMatchObject({ client_id: 'police', record_ids: [p.id], purpose })
  })
})
