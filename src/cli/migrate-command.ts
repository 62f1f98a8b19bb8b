import type { Command } from 'commander'
import { type GlobalOptions, openDb } from './context.ts'

export const registerMigrate = (program: Command): void => {
  program
    .command('migrate')
    .description('apply pending database migrations (every command also does this on start)')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions>()
      const db = await openDb(flags)
      try {
        const caps = db.capabilities
        const out = { database: db.kind, postgis: caps.postgis, trgm: caps.trgm }
        console.log(
          flags.json
            ? JSON.stringify(out)
            : `migrated ${db.kind} database (PostGIS: ${caps.postgis ? 'yes' : 'no'}, pg_trgm: ${caps.trgm ? 'yes' : 'no'})`,
        )
      } finally {
        await db.close()
      }
    })
}
