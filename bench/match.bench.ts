/**
 * npm run bench -- match [--persons 1000000] [--seed 13] [--batch 10000]
 *                        [--accuracy-persons 20000] [--accuracy-seeds 31,37] [--skip-scale]
 *
 * The figures of the entity-resolution issue, through the real CLI as an operator runs it:
 * - accuracy on districts at seeds no test or tuning used (tests use 11 and 21, tuning used 5 and 9),
 *   on PostgreSQL and on the embedded database, with the embedded full-match time;
 * - a district of --persons, every source and role, ingested into PostgreSQL but for the last --batch
 *   grid.visit rows, fully matched (wall time, peak RSS, and the split between loading, blocking,
 *   training, scoring, clustering and writing); then those rows ingested and resolved incrementally.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateFixtures } from '../fixtures/generator/index.ts'
import { openDatabase } from '../src/db/index.ts'
import type { MatchSummary } from '../src/match/run.ts'
import { arg, benchServer, freshDatabase, runCli } from './support.ts'

const OUT = join(import.meta.dirname, 'out')

const district = async (persons: number, seed: number): Promise<string> => {
  const dir = join(OUT, `district-${persons}-${seed}`)
  if (!existsSync(join(dir, 'manifest.json'))) {
    console.error(`generating a district of ${persons} persons (seed ${seed})…`)
    await generateFixtures({ persons, seed, out: dir })
  }
  return dir
}

interface Scores {
  pairwise: { precision: number; recall: number; f1: number }
  bcubed: { f1: number }
}
type Evaluation = Record<'person' | 'house' | 'unit', Scores>

const scores = (e: Evaluation) =>
  Object.fromEntries(
    (['person', 'house', 'unit'] as const).map((t) => [
      t,
      {
        precision: round(e[t].pairwise.precision),
        recall: round(e[t].pairwise.recall),
        f1: round(e[t].pairwise.f1),
        bcubedF1: round(e[t].bcubed.f1),
      },
    ]),
  )

const round = (x: number, d = 5) => Math.round(x * 10 ** d) / 10 ** d

const matchFigures = (run: { seconds: number; maxRssMb: number; output: MatchSummary[] }) => {
  const s = run.output[0] as MatchSummary
  const split: Record<string, number> = { loading: 0, blocking: 0, training: 0, scoring: 0, clustering: 0 }
  for (const t of ['person', 'house', 'unit'] as const)
    for (const [k, v] of Object.entries(s[t].seconds)) split[k] = round((split[k] ?? 0) + v, 1)
  split.writing = round(s.seconds.writing, 1)
  return {
    mode: s.mode,
    seconds: round(run.seconds, 1),
    peakRssMb: run.maxRssMb,
    changedMentions: s.changed,
    mentions: { person: s.person.mentions, house: s.house.mentions, unit: s.unit.mentions },
    golden: { person: s.person.clusters, house: s.house.clusters, unit: s.unit.clusters },
    candidatePairs: { person: s.person.candidatePairs, unit: s.unit.candidatePairs },
    split,
  }
}

async function accuracy(adminUrl: string, persons: number, seed: number) {
  const dir = await district(persons, seed)
  const url = await freshDatabase(adminUrl, `sanshi_bench_match_${seed}`)
  await runCli(['ingest', dir, '--db', url, '--json'])
  const pgMatch = await runCli<MatchSummary>(['match', '--db', url, '--json'])
  const pgEval = await runCli<Evaluation>(['eval', '--truth', join(dir, 'truth.csv'), '--db', url, '--json'])

  const folder = join(OUT, `embedded-${persons}-${seed}`)
  await rm(folder, { recursive: true, force: true })
  await runCli(['ingest', dir, '--db', `file:${folder}`, '--json'])
  const embeddedMatch = await runCli<MatchSummary>(['match', '--db', `file:${folder}`, '--json'])
  const embeddedEval = await runCli<Evaluation>([
    'eval',
    '--truth',
    join(dir, 'truth.csv'),
    '--db',
    `file:${folder}`,
    '--json',
  ])
  await rm(folder, { recursive: true, force: true })
  return {
    seed,
    persons,
    postgres: { scores: scores(pgEval.output[0] as Evaluation), match: matchFigures(pgMatch) },
    embedded: { scores: scores(embeddedEval.output[0] as Evaluation), match: matchFigures(embeddedMatch) },
  }
}

/** The district less the last `batch` grid.visit rows, and those rows as a file of their own. */
async function holdBack(dir: string, batch: number): Promise<{ first: string; later: string }> {
  const first = `${dir}-first`
  const later = `${dir}-later`
  await rm(first, { recursive: true, force: true })
  await rm(later, { recursive: true, force: true })
  await mkdir(first)
  await mkdir(later)
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    files: { file: string; source: string }[]
  }
  for (const f of manifest.files)
    if (f.source !== 'grid.visit') await symlink(join(dir, f.file), join(first, f.file))
  const visits = manifest.files.find((f) => f.source === 'grid.visit')
  if (!visits?.file.endsWith('.csv')) throw new Error('grid.visit must be a CSV to hold rows back')
  const text = await readFile(join(dir, visits.file))
  const lines = text.toString('utf8').split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  const [header, ...rows] = lines
  await writeFile(join(first, visits.file), `${[header, ...rows.slice(0, -batch)].join('\n')}\n`)
  await writeFile(join(later, visits.file), `${[header, ...rows.slice(-batch)].join('\n')}\n`)
  return { first, later }
}

async function scale(adminUrl: string, persons: number, seed: number, batch: number) {
  const dir = await district(persons, seed)
  const { first, later } = await holdBack(dir, batch)
  const url = await freshDatabase(adminUrl, 'sanshi_bench_match_scale')
  await (await openDatabase(url)).close()
  console.error(`ingesting ${persons} persons' district…`)
  const ingest = await runCli<{ rows: number }>(['ingest', first, '--db', url, '--json'])
  console.error('full match…')
  const full = await runCli<MatchSummary>(['match', '--db', url, '--json'])
  const fullEval = await runCli<Evaluation>([
    'eval',
    '--truth',
    join(dir, 'truth.csv'),
    '--db',
    url,
    '--json',
  ])
  console.error(`a batch of ${batch} grid.visit rows, resolved incrementally…`)
  const batchIngest = await runCli<{ rows: number; accepted: number }>([
    'ingest',
    later,
    '--db',
    url,
    '--json',
  ])
  const incremental = await runCli<MatchSummary>(['match', '--db', url, '--json'])
  return {
    persons,
    seed,
    ingest: { rows: ingest.output.reduce((s, b) => s + b.rows, 0), seconds: round(ingest.seconds, 1) },
    full: { ...matchFigures(full), scores: scores(fullEval.output[0] as Evaluation) },
    batch: { rows: batchIngest.output[0]?.rows ?? 0, accepted: batchIngest.output[0]?.accepted ?? 0 },
    incremental: matchFigures(incremental),
  }
}

export const run = async (args: string[]): Promise<Record<string, unknown>> => {
  const persons = Number(arg(args, 'persons', '1000000'))
  const seed = Number(arg(args, 'seed', '13'))
  const batch = Number(arg(args, 'batch', '10000'))
  const accuracyPersons = Number(arg(args, 'accuracy-persons', '20000'))
  const accuracySeeds = arg(args, 'accuracy-seeds', '31,37').split(',').map(Number)
  await mkdir(OUT, { recursive: true })
  const server = await benchServer()
  try {
    const acc = []
    for (const s of accuracySeeds) {
      console.error(`accuracy, seed ${s}…`)
      acc.push(await accuracy(server.adminUrl, accuracyPersons, s))
    }
    const big = args.includes('--skip-scale') ? null : await scale(server.adminUrl, persons, seed, batch)
    return { accuracy: acc, scale: big }
  } finally {
    await server.stop()
  }
}
