import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from './app.ts'
import { loggerOptions } from './logging.ts'

export interface ListenOptions {
  port: number
  host: string
  /** seconds /ready answers 503 before the listener closes, for load balancers to notice (default 0) */
  shutdownDelaySeconds?: number
  /** seconds in-flight requests get to finish before their connections are cut (default 10) */
  shutdownTimeoutSeconds?: number
}

export interface ServeOptions extends Omit<AppOptions, 'logger'>, ListenOptions {
  /** pino level; 'silent' for none */
  logLevel?: string
}

export interface RunningServer {
  app: FastifyInstance
  url: string
  /**
   * Graceful shutdown, the same however often it is called: /ready turns 503, then no new connections
   * are taken, in-flight requests finish (cut at the timeout), and the app's onClose hooks run. The
   * database is the caller's: close it after this resolves.
   */
  close(): Promise<void>
}

const shutDown = async (app: FastifyInstance, delaySeconds: number, timeoutSeconds: number) => {
  app.readiness.stopping = true
  if (delaySeconds > 0) {
    app.log.info({ seconds: delaySeconds }, 'shutting down: /ready answers 503 before the listener closes')
    await sleep(delaySeconds * 1000)
  }
  // a keep-alive connection whose last request finishes during the drain would otherwise stay open
  // until its client lets go: close each one as soon as it is idle
  const reap = setInterval(() => app.server.closeIdleConnections(), 50)
  const cut = setTimeout(() => {
    app.log.warn({ seconds: timeoutSeconds }, 'requests still running at the shutdown timeout: cut')
    app.server.closeAllConnections()
  }, timeoutSeconds * 1000)
  try {
    await app.close()
  } finally {
    clearInterval(reap)
    clearTimeout(cut)
  }
  app.log.info('stopped')
}

/** Listens with an app already built (tests add routes to it first). */
export const listen = async (app: FastifyInstance, opts: ListenOptions): Promise<RunningServer> => {
  await app.listen({ port: opts.port, host: opts.host })
  // the port actually bound: --port 0 asks the system for a free one
  const { port } = app.server.address() as AddressInfo
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  let closing: Promise<void> | undefined
  return {
    app,
    url: `http://${shownHost}:${port}`,
    close: () =>
      (closing ??= shutDown(app, opts.shutdownDelaySeconds ?? 0, opts.shutdownTimeoutSeconds ?? 10)),
  }
}

/** Builds the app and listens; the caller owns the database and closes it after the server. */
export const startServer = async (opts: ServeOptions): Promise<RunningServer> => {
  const app = await buildApp({ ...opts, logger: loggerOptions(opts.logLevel ?? opts.config.LOG_LEVEL) })
  try {
    return await listen(app, opts)
  } catch (e) {
    await app.close()
    throw e
  }
}

/**
 * Resolves on the first Ctrl-C or SIGTERM, so a command can close its server and database in order.
 * Its handlers then go: a second signal during a slow shutdown ends the process at once, as Node does
 * by default.
 */
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
