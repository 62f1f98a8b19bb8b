import { Command } from 'commander'
import { isSanshiError } from './errors.ts'

type Register = (program: Command) => void

/**
 * Each command's module, in the order help lists them, loaded only when that command runs: loading all
 * of them (the server, the matcher, the readers) took a second and a half before any command started.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  migrate: async () => (await import('./cli/migrate-command.ts')).registerMigrate,
  fixtures: async () => (await import('./cli/fixtures-command.ts')).registerFixtures,
  ingest: async () => (await import('./cli/ingest-command.ts')).registerIngest,
  match: async () => (await import('./cli/match-command.ts')).registerMatch,
  grids: async () => (await import('./cli/grids-command.ts')).registerGrids,
  refused: async () => (await import('./cli/refused-command.ts')).registerRefused,
  export: async () => (await import('./cli/export-command.ts')).registerExport,
  eval: async () => (await import('./cli/eval-command.ts')).registerEval,
  explain: async () => (await import('./cli/explain-command.ts')).registerExplain,
  keys: async () => (await import('./cli/keys-command.ts')).registerKeys,
  audit: async () => (await import('./cli/audit-command.ts')).registerAudit,
  serve: async () => (await import('./cli/serve-command.ts')).registerServe,
  demo: async () => (await import('./cli/demo-command.ts')).registerDemo,
}

/** The command the arguments name: the first that is neither an option nor a global option's value. */
const commandOf = (args: readonly string[]): string | undefined => {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--db' || a === '--lang') i++
    else if (!a.startsWith('-')) return a
  }
  return undefined
}

const program = new Command('sanshi')
  .description('sanshi: one master-data hub for 实有人口, 实有房屋, 实有单位')
  .option(
    '--db <url>',
    'database: postgres://… or file:PATH (default: DATABASE_URL, else the embedded database)',
  )
  .option('--json', 'machine-readable output only')
  .option('--lang <lang>', 'language of messages: zh or en', 'zh')
  .showHelpAfterError()

try {
  // a known command alone; every one for help, or for commander to name an unknown one
  const named = commandOf(process.argv.slice(2))
  for (const [name, load] of Object.entries(COMMANDS))
    if (named === undefined || !Object.hasOwn(COMMANDS, named) || named === name) (await load())(program)
  await program.parseAsync(process.argv)
} catch (e) {
  if (isSanshiError(e)) {
    console.error(e.describe())
    process.exitCode = 1
  } else {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e))
    process.exitCode = 2
  }
}
