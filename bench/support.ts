import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import { startCluster } from '../test/support/pg-cluster.ts'

const run = promisify(execFile)

/** The value after `--NAME` on a benchmark's command line, else the fallback. */
export const arg = (args: string[], name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? String(args[i + 1]) : fallback
}

/** A PostgreSQL server for a benchmark: SANSHI_BENCH_DATABASE_URL, else a throw-away durable cluster. */
export const benchServer = async (): Promise<{ adminUrl: string; stop: () => Promise<void> }> => {
  const given = process.env.SANSHI_BENCH_DATABASE_URL
  if (given) return { adminUrl: given, stop: async () => {} }
  // durable settings (fsync on): the figure is for a real server, not a test one
  const cluster = await startCluster({ fast: false })
  return { adminUrl: cluster.url('postgres'), stop: () => cluster.stop() }
}

export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export const adminQuery = async (url: string, sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export const freshDatabase = async (adminUrl: string, name: string): Promise<string> => {
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`)
  return withDatabase(adminUrl, name)
}

export interface ChildRun<T> {
  seconds: number
  maxRssMb: number
  /** the child's CPU time, user + system, all its threads: wall time alone is noisy on a shared machine */
  cpuSeconds: number
  output: T[]
}

/** Runs the real CLI as a child, as an operator would, and reads its wall time and peak RSS. */
export const runCli = async <T>(args: string[]): Promise<ChildRun<T>> => {
  const started = performance.now()
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    ['-f', 'maxrss_kb=%M cpu_s=%U+%S', 'node', 'bin/sanshi.js', ...args],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  const seconds = (performance.now() - started) / 1000
  const rss = /maxrss_kb=(\d+)/.exec(stderr)
  const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(stderr)
  const output = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T)
  return {
    seconds,
    maxRssMb: rss ? Math.round(Number(rss[1]) / 1024) : Number.NaN,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
    output,
  }
}
