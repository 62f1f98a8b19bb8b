import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDatabase, schema } from '../../src/db/index.ts'

describe('openDatabase', () => {
  it('keeps an embedded database in its folder across opens', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sanshi-file-'))
    try {
      const first = await openDatabase(`file:${dir}`)
      expect(first.kind).toBe('pglite')
      await first.db.insert(schema.batches).values({ id: 'B1', source: 'police', status: 'committed' })
      await first.close()

      const again = await openDatabase(`file://${dir}`)
      expect((await migrate(again)).applied).toEqual([])
      const rows = await again.db.select({ id: schema.batches.id }).from(schema.batches)
      expect(rows).toEqual([{ id: 'B1' }])
      await again.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses an unknown url without echoing it (it may hold a password)', async () => {
    await expect(openDatabase('mysql://user:secret@host/db')).rejects.toThrow(/^unsupported database url/)
    await expect(openDatabase('mysql://user:secret@host/db')).rejects.not.toThrow(/secret/)
  })
})
