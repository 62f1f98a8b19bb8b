/**
 * `npm run bench -- NAME [options]`: runs bench/NAME.bench.ts, prints its figures and writes them to
 * bench/out/NAME.json. Figures go to docs/benchmarks.md by hand, with the machine and the command.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

const [name, ...args] = process.argv.slice(2)
const known = ['ingest', 'prepare', 'match', 'api']
if (!name || !known.includes(name)) {
  console.error(`usage: npm run bench -- NAME [options]   (NAME: ${known.join(', ')})`)
  process.exit(2)
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
