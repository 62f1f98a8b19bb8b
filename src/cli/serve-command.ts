import { setFlagsFromString } from 'node:v8'
import type { Command } from 'commander'
import { loadClients } from '../api/policy/index.ts'
import { startServer, untilStopped } from '../api/server.ts'
import { SanshiError } from '../errors.ts'
import { scheduleAccessLogIndexing } from '../jobs/access-log-indexing.ts'
import { scheduleAccessLogPurge } from '../jobs/access-log-retention.ts'
import { config, type GlobalOptions, mappings, openDb } from './context.ts'

export interface ServeFlags extends GlobalOptions {
  port?: string
  host?: string
}

export const parsePort = (value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new SanshiError('SANSHI101', '--port must be a whole number from 0 to 65535')
  return n
}

/*
 * V8 moves an allocation site's objects straight to the old generation once it sees many of them survive
 * a young collection. Under a steady load of lookups most objects of a request are alive at a collection
 * (the request is waiting on PostgreSQL), so V8 pretenured the sites of every request and filled the old
 * generation with 20 KB of garbage per request: a full collection every 12 s and young collections four
 * times as long (docs/benchmarks.md). Set before the server allocates anything of a request's.
 */
const SERVER_V8_FLAGS = '--no-allocation-site-pretenuring'

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('serve the HTTP API (OpenAPI at /docs) until Ctrl-C or SIGTERM, then shut down gracefully')
    .option('--port <port>', 'port to listen on (default: PORT, else 3000)')
    .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .action(async (_f: unknown, cmd: Command) => {
      setFlagsFromString(SERVER_V8_FLAGS)
      const flags = cmd.optsWithGlobals<ServeFlags>()
      const cfg = config()
      const clients = loadClients(cfg.SANSHI_CLIENTS_FILE) // a bad file stops us before the database opens
      const db = await openDb(flags, cfg)
      try {
        const server = await startServer({
          db,
          clients,
          config: cfg,
          mappings: mappings(),
          port: parsePort(flags.port, cfg.PORT),
          host: flags.host ?? cfg.HOST,
          shutdownDelaySeconds: cfg.SANSHI_SHUTDOWN_DELAY_SECONDS,
          shutdownTimeoutSeconds: cfg.SANSHI_SHUTDOWN_TIMEOUT_SECONDS,
        })
        const purge = scheduleAccessLogPurge(db, {
          retentionDays: cfg.SANSHI_AUDIT_RETENTION_DAYS,
          cron: cfg.SANSHI_AUDIT_PURGE_CRON,
          log: server.app.log,
        })
        const indexing = scheduleAccessLogIndexing(db, {
          everyMs: cfg.SANSHI_AUDIT_INDEX_SECONDS * 1000,
          log: server.app.log,
        })
        const stopped = untilStopped() // before the line a supervisor may wait for
        console.error(
          `sanshi serving on ${server.url} (${db.kind}); OpenAPI at ${server.url}/docs; Ctrl-C stops`,
        )
        const signal = await stopped
        console.error(
          `${signal}: finishing the requests in flight (at most ${cfg.SANSHI_SHUTDOWN_TIMEOUT_SECONDS} s; a second ${signal} ends at once)`,
        )
        await purge?.stop()
        await server.close()
        await indexing.stop() // after the last request's entry, so a restart finds the index current
        console.error('sanshi stopped')
      } finally {
        await db.close()
      }
    })
}
