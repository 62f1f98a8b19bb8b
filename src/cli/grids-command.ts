import type { Command } from 'commander'
import type { Database } from '../db/index.ts'
import { SanshiError } from '../errors.ts'
import { type GridFile, readGridFile, type StoredFile, storeGridFiles } from '../ingest/grids/index.ts'
import { assignGrids, type GridAssignment } from '../match/grid-assignment/index.ts'
import { AddressCanon } from '../match/houses.ts'
import { config, type GlobalOptions, openDb } from './context.ts'

interface GridsFlags extends GlobalOptions {
  district?: string
}

export interface GridsImportSummary {
  files: StoredFile[]
  assignment: GridAssignment
  seconds: number
}

/**
 * Reads and checks every file before the database is touched, then stores them and gives every house its
 * grid again, in one transaction: all or nothing.
 */
export async function importGrids(
  db: Database,
  files: readonly string[],
  district: string,
): Promise<GridsImportSummary> {
  const started = performance.now()
  const read: GridFile[] = []
  for (const f of files) read.push(await readGridFile(f, district))
  const canon = await AddressCanon.learn(db)
  const summary = await db.transaction(async (tx) => {
    const stored = await storeGridFiles(db, tx, read)
    const assignment = await assignGrids(db, tx, { canon, countUnplaced: true })
    return { files: stored, assignment, seconds: 0 }
  })
  summary.seconds = (performance.now() - started) / 1000
  return summary
}

export const registerGrids = (program: Command): void => {
  const grids = program.command('grids').description('grids (网格): their polygons, coverage and workers')
  grids
    .command('import')
    .description(
      'import grid files — GeoJSON polygons, a coverage list (网格编码, 小区/地址, 楼栋), a standard-address ' +
        'list (地址, 经度, 纬度) — all or nothing, then give every house its grid again',
    )
    .argument('<files...>', 'GeoJSON, CSV (UTF-8 or GBK) or spreadsheet files')
    .option('--district <code>', '6-digit district assumed for addresses that name none')
    .action(async (files: string[], _f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GridsFlags>()
      const cfg = config()
      const district = flags.district ?? cfg.SANSHI_DISTRICT
      if (!/^\d{6}$/.test(district))
        throw new SanshiError('SANSHI101', '--district must be a 6-digit division code')
      const db = await openDb(flags, cfg)
      try {
        const summary = await importGrids(db, files, district)
        console.log(flags.json ? JSON.stringify(summary) : describe(summary))
      } finally {
        await db.close()
      }
    })
}

function describe(s: GridsImportSummary): string {
  const lines = s.files.map((f) => {
    const what = [
      f.gridsCreated + f.gridsUpdated > 0 ? `${f.gridsCreated} grids new, ${f.gridsUpdated} replaced` : '',
      f.coverage > 0 ? `${f.coverage} places covered` : '',
      f.points > 0 ? `${f.points} places with coordinates` : '',
    ].filter(Boolean)
    return `✓ ${f.file} (${f.kind}): ${what.join(', ')}`
  })
  const a = s.assignment
  lines.push(
    `houses: ${a.houses} looked at, ${a.located} given coordinates; grid by house ${a.byRule.house}, ` +
      `building ${a.byRule.building}, compound or door number ${a.byRule.site}, polygon ${a.byRule.polygon}` +
      (a.spatial === 'none' ? '' : ` (${a.spatial})`) +
      `; ${a.changed} changed (${a.reverted} back to the grid of their visits)`,
    `followed their house: ${a.persons} persons, ${a.units} units` +
      (a.conflicts > 0 ? `; ${a.conflicts} places listed under two grids (the latest import wins)` : '') +
      (a.unplaced > 0 ? `; ${a.unplaced} places of the coverage lists match no house yet` : ''),
    `done in ${s.seconds.toFixed(1)} s`,
  )
  return lines.join('\n')
}
