import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from './app.ts'
import { loggerOptions } from './logging.ts'

export interface ServeOptions extends Omit<AppOptions, 'logger'> {
  port: number
  host: string
  /** pino level; 'silent' for none */
  logLevel?: string
}

export interface RunningServer {
  app: FastifyInstance
  url: string
  close(): Promise<void>
}

/** Builds the app and listens; the caller owns the database and closes it after the server. */
export const startServer = async (opts: ServeOptions): Promise<RunningServer> => {
  const app = await buildApp({ ...opts, logger: loggerOptions(opts.logLevel ?? opts.config.LOG_LEVEL) })
  await app.listen({ port: opts.port, host: opts.host })
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return { app, url: `http://${shownHost}:${opts.port}`, close: () => app.close() }
}

/** Resolves on the first Ctrl-C or SIGTERM, so a command can close its server and database in order. */
export const untilStopped = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
