import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase, snapshotPglite } from '../../src/db/index.ts'
import { adminQuery, dropDatabase, withDatabase } from './admin.ts'
import { type Cluster, startCluster } from './pg-cluster.ts'

/*
 * Once per test run: a PostgreSQL template database with every migration applied (test files
 * clone it, see databases.ts), and a PGlite snapshot with the same, so neither pays for
 * migrations per file. PostgreSQL comes from SANSHI_TEST_DATABASE_URL, else a throw-away
 * cluster started here; if neither works, CI fails and a developer's run skips that half.
 */

export interface TestDatabases {
  /** Connection to a maintenance database on the server, for CREATE/DROP DATABASE. */
  postgresAdminUrl: string | null
  postgresTemplate: string | null
  /** Why the PostgreSQL half is skipped, when it is. */
  postgresSkipReason: string | null
  pgliteSnapshotPath: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    sanshiDatabases: TestDatabases
  }
}

async function postgresAdminUrl(): Promise<{ url: string; cluster?: Cluster }> {
  const fromEnv = process.env.SANSHI_TEST_DATABASE_URL
  if (fromEnv) return { url: fromEnv }
  const cluster = await startCluster()
  return { url: cluster.url('postgres'), cluster }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now()
  let cluster: Cluster | undefined
  let adminUrl: string | null = null
  let template: string | null = null
  let skipReason: string | null = null
  try {
    const admin = await postgresAdminUrl()
    cluster = admin.cluster
    adminUrl = admin.url
    template = `sanshi_tpl_${process.pid}_${Date.now().toString(36)}`
    await adminQuery(adminUrl, `create database "${template}"`)
    const db = await openDatabase(withDatabase(adminUrl, template))
    await db.close()
  } catch (err) {
    skipReason = (err as Error).message
    if (process.env.CI === 'true') {
      await cluster?.stop()
      throw new Error(`PostgreSQL for the integration tests is unavailable on CI: ${skipReason}`, {
        cause: err,
      })
    }
    console.warn(`[sanshi tests] PostgreSQL unavailable, its half of the db suites is skipped: ${skipReason}`)
    adminUrl = null
    template = null
  }

  const pgliteSnapshotPath = join(tmpdir(), `sanshi-pglite-${process.pid}.tar`)
  const teardown = async () => {
    await rm(pgliteSnapshotPath, { force: true })
    if (adminUrl && template && !cluster) await dropDatabase(adminUrl, template).catch(() => {})
    await cluster?.stop()
  }
  try {
    const lite = await openDatabase('memory:')
    await writeFile(pgliteSnapshotPath, Buffer.from(await (await snapshotPglite(lite)).arrayBuffer()))
    await lite.close()
  } catch (err) {
    await teardown()
    throw err
  }

  project.provide('sanshiDatabases', {
    postgresAdminUrl: adminUrl,
    postgresTemplate: template,
    postgresSkipReason: skipReason,
    pgliteSnapshotPath,
  })
  console.log(`[sanshi tests] databases ready in ${Math.round(performance.now() - started)} ms`)

  return teardown
}
