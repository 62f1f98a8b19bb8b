import type { Command } from 'commander'
import { loadClients } from '../api/policy/index.ts'
import { startServer, untilStopped } from '../api/server.ts'
import { SanshiError } from '../errors.ts'
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

export const registerServe = (program: Command): void => {
  program
    .command('serve')
    .description('serve the HTTP API (OpenAPI at /docs) until Ctrl-C')
    .option('--port <port>', 'port to listen on (default: PORT, else 3000)')
    .option('--host <host>', 'address to listen on (default: HOST, else 127.0.0.1)')
    .action(async (_f: unknown, cmd: Command) => {
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
        })
        const stopped = untilStopped() // before the line a supervisor may wait for
        console.error(
          `sanshi serving on ${server.url} (${db.kind}); OpenAPI at ${server.url}/docs; Ctrl-C stops`,
        )
        await stopped
        await server.close()
      } finally {
        await db.close()
      }
    })
}
