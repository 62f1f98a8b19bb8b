import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import type { AccessFilter } from '../api/repositories/access-log-repository.ts'
import { accessLogCsv } from '../api/routes/audit/csv.ts'
import { IsoTime } from '../api/routes/audit/schemas.ts'
import { SanshiError } from '../errors.ts'
import { indexAccessLog } from '../jobs/access-log-indexing.ts'
import { purgeAccessLog } from '../jobs/access-log-retention.ts'
import { config, type GlobalOptions, openDb } from './context.ts'

interface ExportFlags extends GlobalOptions {
  out: string
  from?: string
  to?: string
  client?: string
  entityType?: string
  recordId?: string
  purpose?: string
}

const time = (flag: string, value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined
  if (!IsoTime.safeParse(value).success)
    throw new SanshiError('SANSHI101', `${flag}: an ISO time with its offset, e.g. 2025-03-01T00:00:00+08:00`)
  return new Date(value)
}

export const registerAudit = (program: Command): void => {
  const audit = program.command('audit').description('the access log: export it for an auditor, purge it')
  audit
    .command('export')
    .description(
      'write the access log (or the part the filters select) as CSV, newest first, as GET /v1/audit',
    )
    .requiredOption('--out <file>', 'the CSV file to write')
    .option('--from <time>', 'entries at or after this ISO time, e.g. 2025-03-01T00:00:00+08:00')
    .option('--to <time>', 'entries before this ISO time')
    .option('--client <id>', 'entries of this client')
    .option('--entity-type <type>', 'entries of this type: person, house, unit, refused_rows')
    .option('--record-id <id>', 'entries that include this golden id')
    .option('--purpose <text>', 'entries whose stated purpose holds this text, any case')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ExportFlags>()
      const filter: AccessFilter = {
        from: time('--from', flags.from),
        to: time('--to', flags.to),
        clientId: flags.client,
        entityType: flags.entityType,
        recordId: flags.recordId,
        purpose: flags.purpose,
      }
      const db = await openDb(flags)
      try {
        // entries no hub has indexed yet (the CLI's own exports, a log from before migration 0010)
        if (filter.recordId !== undefined) await indexAccessLog(db)
        let rows = 0
        await pipeline(
          accessLogCsv(db, filter, () => rows++),
          createWriteStream(flags.out),
        )
        if (flags.json) console.log(JSON.stringify({ out: flags.out, entries: rows }))
        else console.log(`${rows} access log entries → ${flags.out}`)
      } finally {
        await db.close()
      }
    })
  audit
    .command('purge')
    .description('delete the entries older than the retention (SANSHI_AUDIT_RETENTION_DAYS, default 365)')
    .option('--days <n>', 'keep this many days instead')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { days?: string }>()
      const cfg = config()
      const days = flags.days === undefined ? cfg.SANSHI_AUDIT_RETENTION_DAYS : Number(flags.days)
      if (flags.days !== undefined && !(Number.isInteger(days) && days >= 1))
        throw new SanshiError('SANSHI101', '--days must be a whole number of days, at least 1')
      const db = await openDb(flags, cfg)
      try {
        const r = await purgeAccessLog(db, days)
        if (flags.json) console.log(JSON.stringify({ ...r, retentionDays: days }))
        else if (r.before === null) console.log('retention is 0 (keep forever): nothing deleted')
        else console.log(`${r.deleted} access log entries before ${r.before} deleted`)
      } finally {
        await db.close()
      }
    })
}
