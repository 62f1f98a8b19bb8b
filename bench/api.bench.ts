/**
 * npm run bench -- api [--persons 1000000] [--seed 13] [--reuse DATABASE] [--seconds 20]
 *
 * The figures of the API issue, on PostgreSQL holding a matched district of --persons:
 * - GET /v1/persons?id_number= and ?name= at 1,000 requests/s: latency p50/p99 under a steady load (one
 *   request due each millisecond, latency from when it was due: api/steady-load.ts), and beside it under
 *   autocannon's overallRate, which sends each second's requests in a burst (steady-load.ts says how);
 *   with what a request cost: the hub's and PostgreSQL's CPU, WAL bytes (api/cost.ts), steadier than the
 *   latencies on a shared machine;
 * - the lookup route's maximum throughput against a bare fastify + pg route running the same SQL
 *   (bench/api/bare-server.ts), both measured in this run in three alternating rounds, and the median
 *   round's ratio;
 * - exports of every person in scope through the real CLI (`sanshi export persons --as police`): Arrow and
 *   CSV wall time and peak RSS.
 * The server runs as `sanshi serve`, a child process, as an operator starts it. --reuse DATABASE skips the
 * build and reads an already matched database on the benchmark server — through a file copy of it, dropped
 * at the end: every person served is written to the access log, so runs on the database itself would each
 * start from a longer log (and its first indexing pass) and not be comparable.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { generateFixtures } from '../fixtures/generator/index.ts'
import { withCost } from './api/cost.ts'
import { steadyLoad } from './api/steady-load.ts'
import { adminQuery, arg, benchServer, freshDatabase, runCli, withDatabase } from './support.ts'

const OUT = join(import.meta.dirname, 'out')
const execFileAsync = promisify(execFile)
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d

async function buildDistrict(adminUrl: string, persons: number, seed: number): Promise<string> {
  const dir = join(OUT, `district-${persons}-${seed}`)
  if (!existsSync(join(dir, 'manifest.json'))) await generateFixtures({ persons, seed, out: dir })
  const url = await freshDatabase(adminUrl, 'sanshi_bench_api')
  console.error('ingesting…')
  await runCli(['ingest', dir, '--db', url, '--json'])
  console.error('matching…')
  await runCli(['match', '--db', url, '--json'])
  return url
}

/** Starts a child and resolves when it prints `ready` or answers /health. */
async function start(cmd: string[], env: NodeJS.ProcessEnv, healthUrl: string): Promise<ChildProcess> {
  const child = spawn(cmd[0]!, cmd.slice(1), {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(healthUrl)
      if (res.status < 500) return child
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill()
  throw new Error(`${cmd.join(' ')} did not start`)
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })

interface Load {
  url: string
  paths: string[]
  headers?: Record<string, string>
  seconds: number
  connections: number
  rate?: number
}

async function load(l: Load) {
  let i = 0
  const result = await autocannon({
    url: l.url,
    connections: l.connections,
    duration: l.seconds,
    ...(l.rate ? { overallRate: l.rate } : {}),
    headers: l.headers ?? {},
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: l.paths[i++ % l.paths.length]! }),
      },
    ],
  })
  return {
    requestsPerSecond: round(result.requests.average, 0),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  }
}

export async function run(args: string[]) {
  const persons = Number(arg(args, 'persons', '1000000'))
  const seed = Number(arg(args, 'seed', '13'))
  const seconds = Number(arg(args, 'seconds', '20'))
  const reuse = arg(args, 'reuse', '')
  const server = await benchServer()
  const copy = reuse ? await copyOf(server.adminUrl, reuse) : null
  try {
    const url = copy ?? (await buildDistrict(server.adminUrl, persons, seed))
    // `keys create` prints the new key alone on its last line
    const { stdout } = await execFileAsync('node', [
      'bin/sanshi.js',
      'keys',
      'create',
      '--client',
      'police',
      '--db',
      url,
    ])
    const apiKey = stdout.trim().split('\n').pop()!
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    const sample = await db.query<{ id_number: string; name: string }>(
      `select id_number, name from persons tablesample system (2) where id_number is not null and name is not null limit 20000`,
    )
    const [{ n: personCount }] = (await db.query<{ n: number }>('select count(*)::int as n from persons'))
      .rows as [{ n: number }]
    // every person served adds to the log: a run on a database whose log is long starts by indexing it
    // (the first pass of jobs/access-log-indexing.ts), so the log's size at the start is a figure of the run
    const [{ n: accessLogRows }] = (
      await db.query<{ n: number }>('select count(*)::int as n from access_log')
    ).rows as [{ n: number }]
    await db.end()
    const byId = sample.rows.map((r) => `/v1/persons?id_number=${r.id_number}`)
    const byName = sample.rows.map((r) => `/v1/persons?name=${encodeURIComponent(r.name)}`)
    const bare = sample.rows.map((r) => `/persons?id_number=${r.id_number}`)

    const port = 3901
    const hub = await start(
      ['node', 'bin/sanshi.js', 'serve', '--port', String(port), '--db', url],
      // the limiter still runs on every request, but its default (10,000 a second per client) would
      // answer some of the maximum-throughput run with quick 429s and flatter the ratio
      { LOG_LEVEL: 'warn', SANSHI_RATE_LIMIT_MAX: '1000000' },
      `http://127.0.0.1:${port}/health`,
    )
    const headers = { authorization: `Bearer ${apiKey}`, 'x-purpose': 'benchmark' }
    const base = `http://127.0.0.1:${port}`
    let figures: Record<string, unknown> = {}
    let max: Maxima
    try {
      // warm the caches once, as a server that has been up for a while has them
      await load({ url: base, paths: byId, headers, seconds: 5, connections: 10 })
      const steady = { url: base, headers, seconds, connections: 64, rate: 1000 }
      // the lead-in's requests are in the cost too: the sums run over the whole load
      const requests = steady.rate * (seconds + LEAD_IN_SECONDS)
      const steadyRun = (paths: string[]) =>
        withCost(hub.pid!, url, requests, () =>
          steadyLoad({ ...steady, paths, leadInSeconds: LEAD_IN_SECONDS }),
        )
      const idAt1000 = await steadyRun(byId)
      const nameAt1000 = await steadyRun(byName)
      const burst = { url: base, headers, seconds, connections: 20, rate: 1000 }
      const idAt1000Autocannon = await load({ ...burst, paths: byId })
      const nameAt1000Autocannon = await load({ ...burst, paths: byName })
      max = await alternatingMaxima({ url: base, paths: byId, headers }, bare, url, seconds)
      figures = { idAt1000, nameAt1000, idAt1000Autocannon, nameAt1000Autocannon, ...max }
    } finally {
      await stop(hub)
    }
    console.error(
      `lookup max ${max.idMax.requestsPerSecond} rps vs bare ${max.bareMax.requestsPerSecond} rps: ratio ${max.ratio} (median of ${MAX_ROUNDS} rounds)`,
    )

    console.error(JSON.stringify(figures))
    const exports: Record<string, unknown> = {}
    await mkdir(join(OUT, 'exports'), { recursive: true })
    for (const format of ['arrow', 'csv'] as const) {
      const file = join(OUT, 'exports', `persons.${format}`)
      const r = await runCli([
        'export',
        'persons',
        '--format',
        format,
        '--as',
        'police',
        '--out',
        file,
        '--db',
        url,
      ])
      exports[format] = {
        seconds: round(r.seconds, 1),
        peakRssMb: r.maxRssMb,
        bytes: (await stat(file)).size,
      }
      await rm(file)
    }
    return { persons: personCount, accessLogRowsAtStart: accessLogRows, ...figures, exports }
  } finally {
    if (copy) await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${RUN_COPY} WITH (FORCE)`)
    await server.stop()
  }
}

const RUN_COPY = 'sanshi_bench_api_run'
const LEAD_IN_SECONDS = 2
/** rounds of the two maxima, alternating; odd, so that one round is the median */
const MAX_ROUNDS = 3

type LoadResult = Awaited<ReturnType<typeof load>>
interface Maxima {
  idMax: LoadResult
  bareMax: LoadResult
  ratio: number
  maxRounds: { hub: number; bare: number; ratio: number }[]
}

/**
 * The lookup route's and the bare route's maxima in alternating legs, both servers up, the ratio the
 * median round's: on the benchmark machine the bare route's maximum alone ranged 7,700–13,500 rps over an
 * hour (same code), so one leg of each, minutes apart, compared two speeds of the machine as much as two
 * routes.
 */
async function alternatingMaxima(
  hub: { url: string; paths: string[]; headers: Record<string, string> },
  barePaths: string[],
  dbUrl: string,
  seconds: number,
): Promise<Maxima> {
  const barePort = 3902
  const bareServer = await start(
    ['node', '--import', 'tsx', 'bench/api/bare-server.ts', String(barePort), dbUrl],
    {},
    `http://127.0.0.1:${barePort}/persons?id_number=x`,
  )
  try {
    const bare = { url: `http://127.0.0.1:${barePort}`, paths: barePaths }
    await load({ ...bare, seconds: 5, connections: 10 })
    const leg = Math.max(5, Math.round(seconds / 2))
    const rounds = []
    for (let r = 0; r < MAX_ROUNDS; r++) {
      const hubMax = await load({ ...hub, seconds: leg, connections: 32 })
      const bareMax = await load({ ...bare, seconds: leg, connections: 32 })
      rounds.push({ hubMax, bareMax, ratio: round(hubMax.requestsPerSecond / bareMax.requestsPerSecond, 3) })
    }
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(MAX_ROUNDS / 2)]!
    return {
      idMax: median.hubMax,
      bareMax: median.bareMax,
      ratio: median.ratio,
      maxRounds: rounds.map((r) => ({
        hub: r.hubMax.requestsPerSecond,
        bare: r.bareMax.requestsPerSecond,
        ratio: r.ratio,
      })),
    }
  } finally {
    await stop(bareServer)
  }
}

/** A copy of a matched database to run against: file_copy (PostgreSQL 15+) copies the files, not 7 GB of WAL. */
async function copyOf(adminUrl: string, database: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`--reuse: not a plain database name: ${database}`)
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${RUN_COPY} WITH (FORCE)`)
  console.error(`copying ${database} to ${RUN_COPY}…`)
  try {
    await adminQuery(adminUrl, `CREATE DATABASE ${RUN_COPY} TEMPLATE ${database} STRATEGY file_copy`)
  } catch (e) {
    // before PostgreSQL 15 there is no STRATEGY, and the copy is a file copy anyway
    if (!/strategy/i.test((e as Error).message)) throw e
    await adminQuery(adminUrl, `CREATE DATABASE ${RUN_COPY} TEMPLATE ${database}`)
  }
  // the copy's files are new to the server's buffers: its indexes and the smaller tables into shared
  // buffers, the persons (larger than them here) into the system's cache, as a server that has been
  // serving the lookups has them (pg_prewarm is in PostgreSQL's contrib)
  const url = withDatabase(adminUrl, RUN_COPY)
  await adminQuery(
    url,
    `CREATE EXTENSION IF NOT EXISTS pg_prewarm;
     SELECT pg_prewarm(c.oid, CASE WHEN c.relname = 'persons' THEN 'read' ELSE 'buffer' END)
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')
        AND (c.relname IN ('persons', 'houses', 'addresses')
             OR c.relname LIKE 'persons\\_%' OR c.relname LIKE 'houses\\_%'
             OR c.relname LIKE 'addresses\\_%' OR c.relname LIKE 'access\\_log\\_%')`,
  )
  return url
}
