import type { Command } from 'commander'
import { matchAll, type MatchSummary } from '../match/run.ts'
import { loadSettings } from '../match/settings.ts'
import { type GlobalOptions, openDb } from './context.ts'

interface MatchFlags extends GlobalOptions {
  full?: boolean
  retrain?: boolean
  settings?: string
}

export const registerMatch = (program: Command): void => {
  program
    .command('match')
    .description(
      'resolve source records to golden persons, houses and units: new and changed records against what is known, or everything with --full',
    )
    .option('--full', 'rebuild every golden record from source records plus steward decisions')
    .option('--retrain', 'fit new models (m by EM, u from random pairs) instead of the active ones')
    .option('--settings <file>', 'matching settings (default: config/match.yaml)')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<MatchFlags>()
      const settings = loadSettings(flags.settings)
      const db = await openDb(flags)
      try {
        const log = flags.json ? undefined : (line: string) => console.error(line)
        const summary = await matchAll(db, {
          settings,
          full: flags.full ?? false,
          retrain: flags.retrain ?? false,
          ...(log ? { log } : {}),
        })
        console.log(flags.json ? JSON.stringify(summary) : describe(summary))
      } finally {
        await db.close()
      }
    })
}

const s = (x: number | undefined) => (x ?? 0).toFixed(1)

function describe(m: MatchSummary): string {
  const lines = [
    `${m.mode} match of ${m.changed} new or changed mentions in ${m.seconds.total.toFixed(1)} s (writing ${s(m.seconds.writing)} s)`,
  ]
  for (const type of ['person', 'house', 'unit'] as const) {
    const e = m[type]
    const t = e.seconds
    lines.push(
      `  ${type.padEnd(6)} ${String(e.mentions).padStart(9)} mentions → ${String(e.clusters).padStart(9)} golden` +
        (e.candidatePairs ? `  ${e.candidatePairs} pairs, ${e.linked} linked, ${e.review} to review` : '') +
        `  [load ${s(t.loading)} block ${s(t.blocking)} train ${s(t.training)} score ${s(t.scoring)} cluster ${s(t.clustering)} s]`,
    )
  }
  lines.push(
    `  writing: ${Object.entries(m.seconds.writeSteps)
      .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
      .join(', ')}`,
  )
  const g = m.golden
  lines.push(
    `  relations: ${g.personHouses} person–house, ${g.personUnits} person–unit, ${g.unitHouses} unit–house`,
  )
  return lines.join('\n')
}
