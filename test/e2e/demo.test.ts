import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'

const ROOT = new URL('../..', import.meta.url).pathname

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

/** Resolves with all output so far once it matches, or rejects when the child ends first. */
const waitFor = (child: ChildProcess, output: () => string, pattern: RegExp, ms: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${output()}`)), ms)
    const check = () => {
      if (pattern.test(output())) {
        clearTimeout(timer)
        resolve(output())
      }
    }
    child.stdout?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`demo exited with ${code} before ${pattern}:\n${output()}`))
    })
  })

const dir = mkdtempSync(join(tmpdir(), 'sanshi-demo-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

// the child must not pick up a developer's database or port
const { DATABASE_URL: _d, PORT: _p, SANSHI_CLIENTS_FILE: _c, ...inherited } = process.env
const cleanEnv = { ...inherited, SANSHI_DATA_DIR: join(dir, 'data') }

const runDemo = async (port: number) => {
  let out = ''
  const child = spawn(
    process.execPath,
    ['bin/sanshi.js', 'demo', '--port', String(port), '--db', `file:${join(dir, 'db')}`],
    {
      cwd: ROOT,
      env: cleanEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  child.stdout!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  child.stderr!.on('data', (b: Buffer) => {
    out += b.toString()
  })
  // the note under the example requests is the last thing the demo prints before it waits for Ctrl-C
  const text = await waitFor(child, () => out, /works as printed/, 150_000)
  return { child, text }
}

/** Ctrl-C, as an operator stops it; the demo closes its server and database and exits 0. */
const stop = (child: ChildProcess): Promise<string> =>
  new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`))
    child.kill('SIGINT')
  })

it('builds a district, prints a key per department, serves, and runs again', async () => {
  const port = await freePort()
  const first = await runDemo(port)
  const key = /^\s+police\s+(sk_\S+)$/m.exec(first.text)?.[1]
  expect(key, first.text).toBeDefined()
  for (const client of ['market', 'urban', 'civil', 'grid', 'steward', 'auditor'])
    expect(first.text).toMatch(new RegExp(`^\\s+${client}\\s+sk_`, 'm'))
  // matched, with one golden person shown beside the records it came from, ids masked
  expect(first.text).toMatch(/matched \(full, [\d.]+ s\): \d+ persons, \d+ houses, \d+ units/)
  const golden = /npx sanshi explain person (P\w+)/.exec(first.text)?.[1]
  expect(golden, first.text).toBeDefined()
  expect(first.text).toMatch(/\d+ source records:\n\s+[a-z]+\.\w+:\S+\/\w+\s+(rule|model)/)
  expect(first.text).not.toMatch(/\b\d{17}[\dX]\b/) // no whole resident id anywhere

  const health = await fetch(`http://127.0.0.1:${port}/health`)
  expect(await health.json()).toEqual({ status: 'ok', database: 'pglite', postgis: false })
  const list = await fetch(`http://127.0.0.1:${port}/v1/batches`, {
    headers: { authorization: `Bearer ${key}` },
  })
  expect(list.status).toBe(200)
  const { items } = (await list.json()) as { items: Array<{ source: string }> }
  expect(new Set(items.map((b) => b.source.split('.')[0]))).toEqual(
    new Set(['police', 'market', 'urban', 'civil', 'grid']),
  )
  // every example request the demo prints answers as printed, each with its own client's key
  const examples = [...first.text.matchAll(/^\s+(\w+)\s+curl -H 'Authorization: Bearer (sk_\S+)' (.*)$/gm)]
  expect(new Set(examples.map((m) => m[1]))).toEqual(
    new Set(['police', 'market', 'urban', 'civil', 'grid', 'steward', 'auditor']),
  )
  for (const [line, client, bearer, rest] of examples) {
    const url = /'(http[^']+)'|(http\S+)/.exec(rest!)!
    const body = /-d '([^']+)'/.exec(rest!)?.[1]
    const res = await fetch(url[1] ?? url[2]!, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    })
    expect(res.status, `${client}: ${line}`).toBe(200)
    const text = await res.text()
    if (/\/v1\/(persons|houses|units|grids|visits)/.test(line!)) expect(text, line).toMatch(/"id":"[PHU]/)
  }
  expect(await stop(first.child)).toBe('exit 0')

  // the same district again: every file is an unchanged no-op
  const second = await runDemo(await freePort())
  expect(second.text).toMatch(/police\.hukou.*unchanged/)
  // nothing new to resolve, and the golden person keeps its id
  expect(second.text).toMatch(/matched \(incremental/)
  expect(second.text).toContain(`explain person ${golden}`)
  expect(second.text).not.toMatch(/\bcommitted\b/)
  expect(await stop(second.child), second.text).toBe('exit 0')
}, 180_000)
