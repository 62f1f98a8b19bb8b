import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS_DIR, migrate, openDatabase } from '../../src/db/index.ts'
import { DATABASE_KINDS, openTestDatabase, type TestDatabase, unavailable } from '../support/databases.ts'

const baseFiles = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort()

const tableCount = async (t: TestDatabase) =>
  (
    await t.database.query<{ n: number }>(
      "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
    )
  )[0]?.n

for (const kind of DATABASE_KINDS) {
  describe.skipIf(unavailable(kind))(`migrations [${kind}]`, () => {
    let t: TestDatabase
    beforeAll(async () => {
      t = await openTestDatabase(kind, { empty: true })
    })
    afterAll(async () => {
      await t?.dispose()
    })

    it('applies every file once, then nothing on a second run', async () => {
      const first = await migrate(t.database)
      expect(first.applied.slice(0, baseFiles.length)).toEqual(baseFiles)
      expect(first.applied).toContain('extensions/pg_trgm/0001_name_trigrams.sql')
      const tables = await tableCount(t)
      expect(tables).toBeGreaterThanOrEqual(23) // 22 schema tables + sanshi_migrations

      const second = await migrate(t.database)
      expect(second.applied).toEqual([])
      expect(await tableCount(t)).toBe(tables)
      const recorded = await t.database.query<{ name: string }>(
        'select name from sanshi_migrations order by name',
      )
      expect(recorded.map((r) => r.name).sort()).toEqual([...first.applied].sort())
    })

    it('refuses a migration edited after it was applied', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sanshi-mig-'))
      try {
        await cp(MIGRATIONS_DIR, dir, { recursive: true })
        await writeFile(join(dir, 'zz_probe.sql'), 'create table probe_edit (a int);')
        expect((await migrate(t.database, { dir })).applied).toEqual(['zz_probe.sql'])
        await writeFile(join(dir, 'zz_probe.sql'), 'create table probe_edit (a int, b int);')
        await expect(migrate(t.database, { dir })).rejects.toThrow(/zz_probe\.sql was changed/)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })

    it('rolls a failing file back whole and records nothing for it', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sanshi-mig-'))
      try {
        await cp(MIGRATIONS_DIR, dir, { recursive: true })
        await writeFile(
          join(dir, 'zz_bad.sql'),
          'create table probe_bad (a int);\nselect no_such_function();',
        )
        await expect(migrate(t.database, { dir })).rejects.toThrow()
        const left = await t.database.query(
          "select 1 from information_schema.tables where table_name = 'probe_bad'",
        )
        expect(left).toHaveLength(0)
        const rec = await t.database.query("select 1 from sanshi_migrations where name = 'zz_bad.sql'")
        expect(rec).toHaveLength(0)
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })

    it('reports its capabilities from the extensions installed', async () => {
      const fresh = await openTestDatabase(kind)
      try {
        const caps = fresh.database.capabilities
        expect(caps.trgm).toBe(true)
        if (kind === 'pglite') {
          expect(caps.postgis).toBe(false)
        } else {
          const available = await fresh.database.query(
            "select 1 from pg_available_extensions where name = 'postgis'",
          )
          expect(caps.postgis).toBe(available.length > 0)
        }
      } finally {
        await fresh.dispose()
      }
    })
  })
}

describe.skipIf(unavailable('postgres'))('migrations under concurrency [postgres]', () => {
  it('two processes opening one empty database apply each file exactly once', async () => {
    const t = await openTestDatabase('postgres', { empty: true })
    try {
      const [a, b] = await Promise.all([openDatabase(t.url!), openDatabase(t.url!)])
      await Promise.all([a.close(), b.close()])
      const rows = await t.database.query<{ name: string; n: number }>(
        'select name, count(*)::int as n from sanshi_migrations group by name',
      )
      expect(rows.length).toBeGreaterThanOrEqual(baseFiles.length)
      for (const r of rows) expect(r.n).toBe(1)
    } finally {
      await t.dispose()
    }
  })

  it('derives geometry from lng/lat where PostGIS is installed', async () => {
    const t = await openTestDatabase('postgres')
    try {
      if (!t.database.capabilities.postgis) return
      await t.database.query(
        "insert into addresses (key, lng, lat) values ('k1', 118.79, 32.02), ('k2', null, null)",
      )
      const rows = await t.database.query<{ key: string; wkt: string | null }>(
        'select key, ST_AsText(geom) as wkt from addresses order by key',
      )
      expect(rows).toEqual([
        { key: 'k1', wkt: 'POINT(118.79 32.02)' },
        { key: 'k2', wkt: null },
      ])
      const square = {
        type: 'Polygon',
        coordinates: [
          [
            [118, 32],
            [119, 32],
            [119, 33],
            [118, 33],
            [118, 32],
          ],
        ],
      }
      await t.database.query("insert into grids (code, polygon) values ('G1', $1)", [JSON.stringify(square)])
      const [inside] = await t.database.query<{ ok: boolean }>(
        "select ST_Contains(g.geom, a.geom) as ok from grids g, addresses a where g.code = 'G1' and a.key = 'k1'",
      )
      expect(inside?.ok).toBe(true)
    } finally {
      await t.dispose()
    }
  })
})
