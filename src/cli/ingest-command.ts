import type { Command } from 'commander'
import { SanshiError } from '../errors.ts'
import { ingestPaths } from '../ingest/index.ts'
import type { WorkerCount } from '../ingest/prepare-pool.ts'
import { config, type GlobalOptions, mappings, openDb } from './context.ts'
import { ingestProgress } from './progress.ts'

interface IngestFlags extends GlobalOptions {
  source?: string
  mapping?: string[]
  sheet?: string
  maxRefused?: string
  district?: string
  workers?: string
}

/** A share from 0 to 1: NaN or 50 (meant as a percentage) would silently switch the limit off. */
const refusedShare = (text: string): number => {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new SanshiError('SANSHI101', `--max-refused must be a share from 0 to 1 (0.2 for 20%), not ${text}`)
  return n
}

const workerCount = (text: string): WorkerCount => {
  if (text.trim() === 'auto') return 'auto'
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || n > 16)
    throw new SanshiError('SANSHI101', `--workers must be auto or a whole number from 0 to 16, not ${text}`)
  return n
}

export const registerIngest = (program: Command): void => {
  program
    .command('ingest')
    .description('ingest department exports (files or folders) as batches')
    .argument('<paths...>', 'files or folders')
    .option(
      '--source <id>',
      'the department format, e.g. police.hukou (else from the file name, else the headers)',
    )
    .option('--mapping <file...>', 'extra mapping files (YAML/JSON) for formats the hub does not know')
    .option('--sheet <name>', 'spreadsheet sheet to read (default: the first)')
    .option(
      '--max-refused <share>',
      'refuse a batch whole when more than this share of rows is refused (0..1)',
    )
    .option('--district <code>', '6-digit district assumed for addresses that name none')
    .option(
      '--workers <n>',
      'worker threads that map and normalise beside the reader: auto (one for a file of 8 MB or more on two cores or more), or 0 to 16',
      'auto',
    )
    .action(async (paths: string[], _flags: IngestFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals<IngestFlags>()
      const cfg = config()
      const maps = mappings(flags.mapping ?? [])
      const maxRefusedShare =
        flags.maxRefused === undefined ? cfg.SANSHI_MAX_REFUSED_SHARE : refusedShare(flags.maxRefused)
      const db = await openDb(flags, cfg)
      let failed = false
      try {
        const progress = ingestProgress(!flags.json)
        await ingestPaths(
          db,
          paths,
          {
            mappings: maps,
            source: flags.source,
            sheet: flags.sheet,
            defaultDistrict: flags.district ?? cfg.SANSHI_DISTRICT,
            maxRefusedShare,
            workers: workerCount(flags.workers ?? 'auto'),
            onProgress: progress.update,
          },
          (o) => {
            progress.stop()
            if (o.error || o.summary?.status === 'refused') failed = true
            if (flags.json) {
              // one summary object per batch (DESIGN: batchId, source, rows, accepted, rejected, seconds, …)
              if (o.summary) console.log(JSON.stringify(o.summary))
              else if (o.error)
                console.log(
                  JSON.stringify({
                    file: o.file,
                    error: { code: o.error.code, message: o.error.describe() },
                  }),
                )
              return
            }
            if (o.skipped) console.error(`skipped ${o.file}: ${o.skipped}`)
            else if (o.error) console.error(`✗ ${o.error.describe()}`)
            else if (o.summary) {
              const s = o.summary
              const mark = s.status === 'refused' ? '✗' : '✓'
              console.log(
                `${mark} ${s.file} → ${s.source} batch ${s.batchId}: ${s.rows} rows, ${s.accepted} taken, ${s.rejected} refused, ${s.warnings} warnings (${s.inserted} new, ${s.updated} updated, ${s.unchanged} unchanged) in ${s.seconds.toFixed(1)} s${s.message ? ` — ${s.message}` : ''}`,
              )
              if (s.rejected > 0)
                console.log(`  refused rows with reasons: npx sanshi refused ${s.batchId} --out refused.xlsx`)
            }
          },
        )
      } finally {
        await db.close()
      }
      if (failed) process.exitCode = 1
    })
}
