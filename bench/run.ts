/**
 * `npm run bench -- NAME [options]`: runs bench/NAME.bench.ts, prints its figures and writes them to
 * bench/out/NAME.json. Figures go to docs/benchmarks.md by hand, with the machine and the command.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { freshBuild } from '../bin/fresh-build.js'

const [name, ...args] = process.argv.slice(2)
const known = ['ingest', 'prepare', 'match', 'api']
if (!name || !known.includes(name)) {
  console.error(`usage: npm run bench -- NAME [options]   (NAME: ${known.join(', ')})`)
  process.exit(2)
}

// the CLI as an operator runs it after `npm ci`: compiled (bin/sanshi.js runs dist/ only while it is current)
const root = join(import.meta.dirname, '..')
if (!freshBuild(root)) {
  console.error('bench: dist/ is older than the sources; npm run build first')
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (built.status !== 0) process.exit(built.status ?? 1)
}

const mod = (await import(`./${name}.bench.ts`)) as {
  run: (args: string[]) => Promise<Record<string, unknown>>
}
const figures = await mod.run(args)
const machine = {
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString(),
}
const out = { bench: name, args, machine, figures }
await mkdir(join(import.meta.dirname, 'out'), { recursive: true })
await writeFile(join(import.meta.dirname, 'out', `${name}.json`), `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out, null, 2))
