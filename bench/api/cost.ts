/**
 * What a load cost per request: CPU of the hub's process and of PostgreSQL, and WAL written. On this
 * shared two-core machine a run's latencies swing with the machine's speed; these sums move much less,
 * so they show whether a change made a request cheaper when the p99 alone cannot tell.
 *
 * CPU comes from /proc (Linux): the hub's process by pid, PostgreSQL as every process named `postgres`
 * (its backends live as long as the hub's pool, so none is lost between the two readings); null where
 * there is no /proc or no local PostgreSQL. Clock ticks are USER_HZ, 100 a second on Linux.
 */
import { readdir, readFile } from 'node:fs/promises'
import pg from 'pg'

const TICKS_PER_SECOND = 100

export interface RequestCost {
  /** the hub's CPU (user + system), µs per request */
  serverUs: number | null
  /** every local PostgreSQL process's CPU, µs per request */
  postgresUs: number | null
  /** WAL written while the load ran, bytes per request */
  walBytes: number
}

/** utime + stime of a /proc/PID/stat line; the name in parentheses may hold spaces */
const ticksOf = (stat: string): number => {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[11]) + Number(fields[12])
}

const commOf = (stat: string): string => stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))

async function processTicks(pid: number): Promise<number | null> {
  try {
    return ticksOf(await readFile(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return null
  }
}

async function postgresTicks(): Promise<number | null> {
  let pids: string[]
  try {
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p))
  } catch {
    return null
  }
  let total = 0
  let found = false
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)
    if (stat === null || commOf(stat) !== 'postgres') continue
    found = true
    total += ticksOf(stat)
  }
  return found ? total : null
}

async function walPosition(dbUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: dbUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ at: string }>(
      "select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as at",
    )
    return Number(rows[0]!.at)
  } finally {
    await client.end()
  }
}

const perRequest = (before: number | null, after: number | null, requests: number, unit: number) =>
  before === null || after === null ? null : Math.round(((after - before) * unit) / requests)

/** Runs the load and returns its result with what its `requests` cost. */
export async function withCost<T>(
  serverPid: number,
  dbUrl: string,
  requests: number,
  load: () => Promise<T>,
): Promise<T & { cost: RequestCost }> {
  const [server0, postgres0, wal0] = [
    await processTicks(serverPid),
    await postgresTicks(),
    await walPosition(dbUrl),
  ]
  const result = await load()
  const [server1, postgres1, wal1] = [
    await processTicks(serverPid),
    await postgresTicks(),
    await walPosition(dbUrl),
  ]
  const us = 1e6 / TICKS_PER_SECOND
  return {
    ...result,
    cost: {
      serverUs: perRequest(server0, server1, requests, us),
      postgresUs: perRequest(postgres0, postgres1, requests, us),
      walBytes: Math.round((wal1 - wal0) / requests),
    },
  }
}
