import { Command } from 'commander'
import { registerAudit } from './cli/audit-command.ts'
import { registerDemo } from './cli/demo-command.ts'
import { registerEval } from './cli/eval-command.ts'
import { registerExplain } from './cli/explain-command.ts'
import { registerExport } from './cli/export-command.ts'
import { registerFixtures } from './cli/fixtures-command.ts'
import { registerGrids } from './cli/grids-command.ts'
import { registerIngest } from './cli/ingest-command.ts'
import { registerKeys } from './cli/keys-command.ts'
import { registerMatch } from './cli/match-command.ts'
import { registerMigrate } from './cli/migrate-command.ts'
import { registerRefused } from './cli/refused-command.ts'
import { registerServe } from './cli/serve-command.ts'
import { isSanshiError } from './errors.ts'

const program = new Command('sanshi')
  .description('sanshi: one master-data hub for 实有人口, 实有房屋, 实有单位')
  .option(
    '--db <url>',
    'database: postgres://… or file:PATH (default: DATABASE_URL, else the embedded database)',
  )
  .option('--json', 'machine-readable output only')
  .option('--lang <lang>', 'language of messages: zh or en', 'zh')
  .showHelpAfterError()

registerMigrate(program)
registerFixtures(program)
registerIngest(program)
registerMatch(program)
registerGrids(program)
registerRefused(program)
registerExport(program)
registerEval(program)
registerExplain(program)
registerKeys(program)
registerAudit(program)
registerServe(program)
registerDemo(program)

try {
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
