import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { finished, pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { stringify } from 'csv-stringify'
import type { Database } from '../db/index.ts'
import { SanshiError } from '../errors.ts'
import { readHubLinks } from '../match/links.ts'
import { type GlobalOptions, openDb } from './context.ts'

/** The links file's columns, as truth.csv has them, so `sanshi eval` and outside checks read either. */
export const LINK_COLUMNS = ['source', 'record_id', 'role', 'entity_type', 'entity_id'] as const

const toStdout = (out: string | undefined): boolean => out === undefined || out === '' || out === '-'

/**
 * Streams CSV rows to a file, or to standard output for '-', at the pace the destination takes them.
 * Values go out exactly as stored: the file is for machines, so no spreadsheet-formula guard changes them.
 */
const csvSink = async (out: string | undefined) => {
  const csv = stringify()
  let done: Promise<void>
  if (toStdout(out)) {
    csv.pipe(process.stdout) // pipe() never ends stdout, so the process may still print after
    done = finished(csv)
  } else {
    const file = createWriteStream(out!)
    try {
      await once(file, 'open')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      throw new SanshiError('SANSHI101', `cannot write --out${code ? ` (${code})` : ''}`, { file: out! })
    }
    done = pipeline(csv, file)
  }
  done.catch(() => {}) // awaited in end(); a failure surfaces there or in the write racing it
  return {
    async write(cells: readonly string[]): Promise<void> {
      if (!csv.write(cells)) await Promise.race([once(csv, 'drain'), done])
    },
    async end(): Promise<void> {
      csv.end()
      await done
    },
  }
}

/** Writes every mention with its golden id; returns the number of rows (header not counted). */
export const exportLinks = async (db: Database, out: string | undefined): Promise<number> => {
  const sink = await csvSink(out)
  let rows = 0
  try {
    await sink.write(LINK_COLUMNS)
    for await (const l of readHubLinks(db)) {
      await sink.write([l.source, l.recordId, l.role, l.entityType, l.entityId])
      rows++
    }
  } finally {
    await sink.end()
  }
  return rows
}

/** `sanshi export <what>`: one subcommand per kind of export, each registered on the `export` command. */
export const registerExport = (program: Command): void => {
  const exportCommand = program.command('export').description('write what the hub holds to a file')
  registerExportLinks(exportCommand)
}

const registerExportLinks = (exportCommand: Command): void => {
  exportCommand
    .command('links')
    .description(
      'every role of every accepted source record with its golden id (blank where not linked yet), as CSV: ' +
        LINK_COLUMNS.join(','),
    )
    .option('--out <file>', 'the CSV file to write; - or none for standard output')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { out?: string }>()
      const db = await openDb(flags)
      try {
        const rows = await exportLinks(db, flags.out)
        if (!toStdout(flags.out)) {
          if (flags.json) console.log(JSON.stringify({ rows, out: flags.out }))
          else console.log(`${rows} links → ${flags.out}`)
        }
      } finally {
        await db.close()
      }
    })
}
