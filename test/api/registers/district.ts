import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allMappings } from '../../../connectors/index.ts'
import { generateFixtures } from '../../../fixtures/generator/index.ts'
import type { Database } from '../../../src/db/index.ts'
import { ingestPaths } from '../../../src/ingest/index.ts'
import { importGrids } from '../../../src/cli/grids-command.ts'
import { matchAll } from '../../../src/match/run.ts'

/** A small synthetic district (the project's own generator), ingested, matched, its grids imported: what the API serves. */
export async function matchedDistrict(db: Database, persons = 1200, seed = 11): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sanshi-api-'))
  try {
    const manifest = await generateFixtures({ persons, seed, out: dir })
    await ingestPaths(db, [dir], { mappings: allMappings(), defaultDistrict: '320104', maxRefusedShare: 0.5 })
    await matchAll(db)
    await importGrids(
      db,
      Object.values(manifest.grids).map((f) => join(dir, f)),
      manifest.district,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
