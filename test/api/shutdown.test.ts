import { spawn } from 'node:child_process'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/api/app.ts'
import { listen, type RunningServer } from '../../src/api/server.ts'
import { loadConfig } from '../../src/config.ts'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { clients } from './support.ts'

/*
 * Graceful shutdown on a real socket: server.close() is what SIGTERM runs in `sanshi serve`.
 */

let handle: TestDatabase

beforeAll(async () => {
  handle = await openTestDatabase('pglite')
})

afterAll(async () => {
  await handle.dispose()
})

/** A gate a test route waits at: the test decides when the in-flight request may finish. */
const gate = () => {
  let open!: () => void
  let entered!: () => void
  const opened = new Promise<void>((r) => (open = r))
  const reached = new Promise<void>((r) => (entered = r))
  return { open, opened, entered, reached }
}

const serve = async (
  route: (app: FastifyInstance) => void,
  opts: { delay?: number; timeout?: number } = {},
): Promise<RunningServer> => {
  const app = await buildApp({ db: handle.database, clients, config: loadConfig({}) })
  route(app)
  return listen(app, {
    port: 0,
    host: '127.0.0.1',
    shutdownDelaySeconds: opts.delay ?? 0,
    shutdownTimeoutSeconds: opts.timeout ?? 10,
  })
}

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new connections, and leaves the database open', async () => {
    const g = gate()
    const server = await serve((app) =>
      app.get('/slow', async () => {
        g.entered()
        await g.opened
        return { done: true }
      }),
    )
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(server.url).not.toMatch(/:0$/)
    const inFlight = fetch(`${server.url}/slow`)
    await g.reached

    let closed = false
    const closing = server.close().then(() => (closed = true))
    await new Promise((r) => setTimeout(r, 100))
    expect(server.app.readiness.stopping).toBe(true)
    expect(closed).toBe(false) // waits for /slow
    await expect(fetch(`${server.url}/health`)).rejects.toThrow() // the listener is gone

    g.open()
    const released = performance.now()
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: true })
    await closing
    expect(closed).toBe(true)
    // done once the request is: its keep-alive connection does not hold the shutdown to the timeout
    expect(performance.now() - released).toBeLessThan(2000)
    // the database belongs to the caller, who closes it after the server
    expect(await handle.database.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
  })

  it('answers /ready with 503 during the delay before the listener closes', async () => {
    const server = await serve(() => {}, { delay: 0.4 })
    expect((await fetch(`${server.url}/ready`)).status).toBe(200)
    const closing = server.close()
    await new Promise((r) => setTimeout(r, 50))
    const ready = await fetch(`${server.url}/ready`)
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { code: string }).code).toBe('SANSHI503')
    expect((await fetch(`${server.url}/health`)).status).toBe(200) // still serving meanwhile
    await closing
  })

  it('cuts a request that outlives the timeout', async () => {
    const g = gate()
    const server = await serve(
      (app) =>
        app.get('/hang', async () => {
          g.entered()
          await new Promise(() => {}) // never answers
        }),
      { timeout: 0.3 },
    )
    const hanging = fetch(`${server.url}/hang`).then(
      () => 'answered',
      () => 'cut',
    )
    await g.reached
    const started = performance.now()
    await server.close()
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(250)
    expect(took).toBeLessThan(3000)
    expect(await hanging).toBe('cut')
  })

  it('is the same shutdown however often close() is called', async () => {
    const server = await serve(() => {})
    const [a, b] = [server.close(), server.close()]
    expect(a).toBe(b)
    await a
  })
})

describe('sanshi serve', () => {
  it('stops on SIGTERM: stops listening, closes the database, exits 0', async () => {
    const child = spawn('node', ['bin/sanshi.js', 'serve', '--port', '0', '--db', 'memory:'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        const m = /serving on (http:\/\/\S+?:\d+)/.exec(stderr)
        if (m) resolve(m[1]!)
      })
      void exited.then(() => reject(new Error(`serve exited early: ${stderr}`)))
    })
    expect((await fetch(`${url}/ready`)).status).toBe(200)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toContain('SIGTERM: finishing the requests in flight')
    expect(stderr).toContain('sanshi stopped')
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })
})
