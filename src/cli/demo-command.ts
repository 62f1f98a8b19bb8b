import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { type FixtureManifest, generateFixtures } from '../../fixtures/generator/index.ts'
import { type ClientRegistry, loadClients } from '../api/policy/index.ts'
import { createApiKey, revokeApiKeys } from '../api/repositories/api-keys-repository.ts'
import { startServer, untilStopped } from '../api/server.ts'
import { type Config, databaseUrl } from '../config.ts'
import type { Database } from '../db/index.ts'
import { type AddressTextParts, formatAddress } from '../normalize/address/index.ts'
import { ingestPaths, type PathOutcome } from '../ingest/index.ts'
import { explainGolden } from '../match/explain.ts'
import { matchAll } from '../match/run.ts'
import { config, mappings, openDb } from './context.ts'
import { importGrids } from './grids-command.ts'
import { formatGolden } from './explain-command.ts'
import { parsePort, type ServeFlags } from './serve-command.ts'

const DEMO_SEED = 1

interface DemoFlags extends ServeFlags {
  persons: string
  fixtures?: string
}

/** The embedded database's folder when there is one, else SANSHI_DATA_DIR: the demo's files go beside its data. */
const dataDir = (cfg: Config, url: string): string =>
  url.startsWith('file:')
    ? resolve(url.slice('file:'.length).replace(/^\/\//, ''))
    : resolve(cfg.SANSHI_DATA_DIR)

/** Same seed and size as last time → the same files, so a re-run re-ingests nothing (identical batches). */
const fixturesFor = async (out: string, persons: number, district: string): Promise<FixtureManifest> => {
  const manifestPath = join(out, 'manifest.json')
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as FixtureManifest
    // a manifest from before the grid files were generated is made again
    if (m.seed === DEMO_SEED && m.persons === persons && m.district === district && m.grids) return m
  }
  return generateFixtures({ persons, seed: DEMO_SEED, out, district })
}

const pad = (s: string | number, n: number) => String(s).padEnd(n)
const padLeft = (s: string | number, n: number) => String(s).padStart(n)

const printOutcomes = (outcomes: readonly PathOutcome[]): void => {
  console.log(
    `\n${pad('department', 11)}${pad('source', 18)}${padLeft('rows', 7)}${padLeft('taken', 7)}${padLeft('refused', 9)}  status`,
  )
  for (const o of outcomes) {
    const s = o.summary
    if (!s) {
      console.log(
        `${pad('-', 11)}${pad(o.file.split('/').pop() ?? o.file, 18)}  ${o.error ? o.error.describe() : `skipped: ${o.skipped}`}`,
      )
      continue
    }
    const department = s.source.split('.')[0] ?? s.source
    const status = s.status === 'unchanged' ? 'unchanged (already ingested)' : s.status
    console.log(
      `${pad(department, 11)}${pad(s.source, 18)}${padLeft(s.rows, 7)}${padLeft(s.accepted, 7)}${padLeft(s.rejected, 9)}  ${status}`,
    )
  }
}

const q = encodeURIComponent

/**
 * One curl line per default client, built from the district just matched, so each works as printed: the
 * police read a person whole, market finds a unit by name, urban a shop by its address, civil a person by
 * the sound of the name, a grid worker lists the grid it serves, the steward reads a person, the auditor
 * reads the access log; then an export and a doorstep visit.
 */
async function demoRequests(
  db: Database,
  clients: ClientRegistry,
  keys: ReadonlyMap<string, string>,
  base: string,
  person: string | undefined,
): Promise<string[]> {
  const first = async <T>(sql: string): Promise<T | undefined> => (await db.query<T>(sql))[0]
  const unit = await first<{ name: string }>(
    `select name from units where credit_code is not null and name is not null order by id limit 1`,
  )
  const shop = await first<AddressTextParts>(
    `select a.division_code as "divisionCode", a.road, a.number, a.compound, a.building, a.unit, a.floor, a.room
       from houses h join addresses a on a.id = h.address_id
      where h.usage = '经营' and a.road is not null order by h.id limit 1`,
  )
  const shopAddress = shop ? formatAddress(shop) : null
  const helped = await first<{ name: string }>(
    `select name from persons where cardinality(assistance) > 0 and name is not null order by id limit 1`,
  )
  const grid = clients.get('grid')?.grids?.[0]
  // the doorstep visit is to someone the grid worker's grid holds, so the lookup shows whom to pre-fill
  const resident = grid
    ? (
        await db.query<{ name: string }>(
          `select name from persons where grid_code = $1 and name is not null order by id limit 1`,
          [grid],
        )
      )[0]
    : undefined
  const lines: Array<[string, string]> = []
  if (person) lines.push(['police', `'${base}/v1/persons/${person}?include=sources,relations'`])
  if (unit) lines.push(['market', `'${base}/v1/units?name=${q(unit.name)}&include=relations'`])
  if (shopAddress) lines.push(['urban', `'${base}/v1/houses?address=${q(shopAddress)}&include=relations'`])
  if (helped) lines.push(['civil', `'${base}/v1/persons?name=${q(helped.name)}&match=pinyin'`])
  if (grid) lines.push(['grid', `'${base}/v1/grids/${grid}/persons?limit=5'`])
  if (person) lines.push(['steward', `'${base}/v1/persons/${person}?include=sources'`])
  lines.push(['auditor', `'${base}/v1/audit?client=police&limit=5'`])
  lines.push(['police', `-o persons.arrows '${base}/v1/exports/persons?format=arrow'`])
  if (resident && grid)
    lines.push([
      'grid',
      `-X POST -H 'content-type: application/json' -d '${JSON.stringify({ name: resident.name, gridCode: grid })}' ${base}/v1/visits`,
    ])
  return lines
    .filter(([client]) => keys.has(client))
    .map(
      ([client, rest]) => `  ${client.padEnd(8)} curl -H 'Authorization: Bearer ${keys.get(client)}' ${rest}`,
    )
}

export const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description('a small synthetic district, ingested, with a key per department, served until Ctrl-C')
    .option('--port <port>', 'port to serve on (default: PORT, else 3000)')
    .option('--host <host>', 'address to serve on (default: HOST, else 127.0.0.1)')
    .option('--persons <n>', 'persons in the synthetic district', '2000')
    .option('--fixtures <dir>', 'where the district files go (default: demo-fixtures beside the data folder)')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<DemoFlags>()
      const cfg = config()
      const clients = loadClients(cfg.SANSHI_CLIENTS_FILE)
      const persons = Number(flags.persons)
      const port = parsePort(flags.port, cfg.PORT)
      const url = databaseUrl(cfg, flags.db)
      // the database first: an embedded one must create its folder before the district's files go in it
      const db = await openDb(flags, cfg)
      try {
        console.log(`database: ${db.kind}${url.startsWith('file:') ? ` in ${dataDir(cfg, url)}` : ''}`)
        // beside the database's folder, not in it: PGlite owns that folder
        const out = flags.fixtures
          ? resolve(flags.fixtures)
          : join(dirname(dataDir(cfg, url)), 'demo-fixtures')
        const manifest = await fixturesFor(out, persons, cfg.SANSHI_DISTRICT)
        console.log(
          `district ${manifest.district}: ${manifest.persons} persons, ${manifest.files.length} department files in ${out}`,
        )

        const outcomes = await ingestPaths(db, [out], {
          mappings: mappings(),
          defaultDistrict: manifest.district,
          maxRefusedShare: cfg.SANSHI_MAX_REFUSED_SHARE,
        })
        printOutcomes(outcomes)

        const matched = await matchAll(db)
        // the district's grids: polygons, the compounds and buildings each covers, compounds' coordinates
        const gridFiles = Object.values(manifest.grids).map((f) => join(out, f))
        const grids = await importGrids(db, gridFiles, manifest.district)
        console.log(
          `grids: ${grids.files.reduce((n, f) => n + f.gridsCreated + f.gridsUpdated, 0)} imported; ` +
            `${grids.assignment.houses} houses given their grid, ${grids.assignment.persons} persons and ${grids.assignment.units} units follow`,
        )
        const [n] = await db.query<{ persons: number; houses: number; units: number; links: number }>(
          `select (select count(*)::int from persons) as persons, (select count(*)::int from houses) as houses,
                  (select count(*)::int from units) as units, (select count(*)::int from entity_links) as links`,
        )
        console.log(
          `\nmatched (${matched.mode}, ${matched.seconds.total.toFixed(1)} s): ${n?.persons} persons, ${n?.houses} houses, ${n?.units} units from ${n?.links} mentions`,
        )
        const [busiest] = await db.query<{ golden_id: string }>(
          `select golden_id from entity_links where entity_type = 'person'
            group by golden_id order by count(distinct source_record_id) desc, golden_id limit 1`,
        )
        if (busiest) {
          console.log(
            '\nA golden person and the department records it was built from (ids and phones masked):',
          )
          console.log(formatGolden(await explainGolden(db, 'person', busiest.golden_id), false))
          console.log(`\n  npx sanshi explain person ${busiest.golden_id}   explains it again`)
        }

        // the previous demo's keys go: full-rights keys must not pile up run after run
        await revokeApiKeys(db, { label: 'demo' })
        const keys: Array<[string, string]> = []
        for (const client of clients.clients)
          keys.push([client.id, await createApiKey(db, clients, client.id, 'demo')])
        console.log('\nDemo keys (client → key); only their hashes are stored:')
        for (const [id, key] of keys) console.log(`  ${pad(id, 9)}${key}`)

        const server = await startServer({
          db,
          clients,
          config: cfg,
          mappings: mappings(),
          port,
          host: flags.host ?? cfg.HOST,
          logLevel: 'warn',
        })
        // listen for Ctrl-C before printing: whoever reads our output may stop us the moment it appears
        const stopped = untilStopped()
        const police = keys.find(([id]) => id === 'police')?.[1] ?? keys[0]![1]
        const withRefused = outcomes.find(
          (o) => o.summary?.source.startsWith('police.') && o.summary.rejected > 0,
        )?.summary
        console.log(`\nserving on ${server.url} — OpenAPI at ${server.url}/docs — Ctrl-C stops`)
        console.log('\nTry:')
        console.log(`  curl ${server.url}/health`)
        console.log(`  curl -H 'Authorization: Bearer ${police}' ${server.url}/v1/batches`)
        if (withRefused) {
          console.log(
            `  curl -H 'Authorization: Bearer ${police}' '${server.url}/v1/batches/${withRefused.batchId}?lang=en'`,
          )
          console.log(
            `  curl -H 'Authorization: Bearer ${police}' -o refused.xlsx '${server.url}/v1/batches/${withRefused.batchId}/refused?format=xlsx'`,
          )
        }
        const sample = manifest.files.find((f) => f.source.startsWith('police.'))
        if (sample)
          console.log(
            `  curl -H 'Authorization: Bearer ${police}' -F file=@${join(out, sample.file)} ${server.url}/v1/batches`,
          )
        console.log('\nEach department, in its own scope (the same question answers differently per key):')
        for (const line of await demoRequests(db, clients, new Map(keys), server.url, busiest?.golden_id))
          console.log(line)
        console.log('\nEvery line above works as printed; the README goes on from lookup to export.')
        await stopped
        await server.close()
      } finally {
        await db.close()
      }
    })
}
