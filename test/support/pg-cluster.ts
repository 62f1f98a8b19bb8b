import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/*
 * A throw-away PostgreSQL cluster for tests and benchmarks: initdb into a temp folder, start on a
 * free port, stop and delete afterwards. initdb refuses to run as root, so as root every server
 * command runs as the `postgres` user through runuser.
 */

const run = promisify(execFile)

export interface Cluster {
  port: number
  dir: string
  url(database: string): string
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Trade durability for speed (fsync off): right for tests, wrong for a throughput benchmark. */
  fast?: boolean
}

function findBinDir(): string {
  const fromEnv = process.env.SANSHI_PG_BIN
  if (fromEnv) return fromEnv
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions[0]) return join(root, versions[0], 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb'))) return dir
  }
  throw new Error('no PostgreSQL server binaries found (set SANSHI_PG_BIN to the folder holding initdb)')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const bin = findBinDir()
  const asRoot = process.getuid?.() === 0
  const exec = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args)

  const dir = await mkdtemp(join(tmpdir(), 'sanshi-pg-'))
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const data = join(dir, 'data')
  const port = await freePort()
  try {
    // Byte-order collation (fast, stable) but UTF-8 character classes, as PGlite has: pg_trgm
    // finds no trigrams in Chinese under ctype C.
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--lc-collate=C',
      '--lc-ctype=C.UTF-8',
      '--no-sync',
    ])
    const settings = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      ...(opts.fast === false
        ? // durable, with the memory a dedicated server of this size would be given (docs/benchmarks.md)
          [
            '-c shared_buffers=2GB',
            '-c max_wal_size=4GB',
            '-c maintenance_work_mem=512MB',
            '-c work_mem=64MB',
          ]
        : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ]
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings.join(' '), '-w', 'start'])
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}
