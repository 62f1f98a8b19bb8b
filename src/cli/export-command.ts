import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { finished, pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { stringify } from 'csv-stringify'
import type { Database } from '../db/index.ts'
import { SanshiError } from '../errors.ts'
import { readHubLinks } from '../match/links.ts'
import { EXPORT_FORMATS, type ExportFormat, isExportFormat, writeExport } from '../api/exports/index.ts'
import { assertCan, type Client, loadClients } from '../api/policy/index.ts'
import { EXPORT_PATHS, exportColumns, exportPages } from '../api/registers/export.ts'
import { config, type GlobalOptions, openDb } from './context.ts'

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
  for (const path of Object.keys(EXPORT_PATHS)) registerExportRegister(exportCommand, path)
}

/**
 * Writes an export for a client to a file, whole or not at all (written beside it, renamed when complete);
 * returns the rows written. The pages and bytes are those GET /v1/exports/{path} sends that client.
 */
export async function exportToFile(
  db: Database,
  client: Client,
  path: string,
  format: ExportFormat,
  out: string,
  purpose: string | null,
): Promise<number> {
  const entity = EXPORT_PATHS[path]
  if (!entity) throw new SanshiError('SANSHI101', `nothing to export called ${path}`)
  const scope = assertCan(client, 'export', { entity })
  const partial = `${out}.partial-${process.pid}`
  try {
    const pages = exportPages(db, client, entity, {
      scope,
      purpose,
      requestId: null,
      reason: `sanshi export ${path}`,
    })
    const { rows } = await writeExport(
      format,
      exportColumns(client, entity),
      pages,
      createWriteStream(partial),
      {
        sheetName: path,
      },
    )
    await rename(partial, out)
    return rows
  } catch (e) {
    await rm(partial, { force: true })
    throw e
  }
}

/**
 * `sanshi export persons --format arrow --as police --out F`: what `GET /v1/exports/persons` answers that
 * client, byte for byte, and written to the access log the same way. The file appears whole or not at
 * all: it is written beside the target and renamed once complete.
 */
const registerExportRegister = (exportCommand: Command, path: string): void => {
  exportCommand
    .command(path)
    .description(
      `every ${path === 'relations' ? 'relation' : path.slice(0, -1)} a client sees, as it sees them`,
    )
    .requiredOption(
      '--as <client>',
      'the client whose scope filters and masks the export (config/clients.yaml)',
    )
    .requiredOption('--out <file>', 'the file to write')
    .option('--format <format>', 'csv, xlsx or arrow (an Arrow IPC stream)', 'csv')
    .option('--purpose <text>', 'why, for the access log')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<
        GlobalOptions & { as: string; out: string; format: string; purpose?: string }
      >()
      if (!isExportFormat(flags.format))
        throw new SanshiError(
          'SANSHI101',
          `--format must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`,
        )
      const cfg = config()
      const clients = loadClients(cfg.SANSHI_CLIENTS_FILE)
      const client = clients.get(flags.as)
      if (!client)
        throw new SanshiError(
          'SANSHI101',
          `--as: unknown client ${flags.as}; known: ${clients.clients.map((c) => c.id).join(', ')}`,
          { file: clients.file },
        )
      const db = await openDb(flags, cfg)
      try {
        const started = performance.now()
        const rows = await exportToFile(db, client, path, flags.format, flags.out, flags.purpose ?? null)
        const seconds = Math.round((performance.now() - started) / 100) / 10
        if (flags.json)
          console.log(
            JSON.stringify({
              entity: path,
              format: flags.format,
              client: client.id,
              rows,
              out: flags.out,
              seconds,
            }),
          )
        else
          console.log(
            `${rows} ${path} as ${client.id} sees them → ${flags.out} (${flags.format}, ${seconds} s)`,
          )
      } finally {
        await db.close()
      }
    })
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
