import { extname } from 'node:path'
import type { Command } from 'commander'
import { exportRefused } from '../ingest/refused-export.ts'
import { type GlobalOptions, openDb } from './context.ts'

export const registerRefused = (program: Command): void => {
  program
    .command('refused')
    .description(
      "write a batch's refused rows, with the reason beside each, for the clerk to fix and re-upload",
    )
    .argument('<batchId>')
    .requiredOption('--out <file>', 'a .csv or .xlsx file')
    .action(async (batchId: string, _f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { out: string }>()
      const format = extname(flags.out).toLowerCase() === '.xlsx' ? 'xlsx' : 'csv'
      const db = await openDb(flags)
      try {
        const n = await exportRefused(db, batchId, flags.out, format, flags.lang ?? 'zh')
        if (flags.json) console.log(JSON.stringify({ batchId, rows: n, out: flags.out }))
        else console.log(`${n} refused rows → ${flags.out}`)
      } finally {
        await db.close()
      }
    })
}
