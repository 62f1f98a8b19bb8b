import type { Command } from 'commander'
import { generateFixtures } from '../../fixtures/generator/index.ts'
import { SanshiError } from '../errors.ts'
import type { GlobalOptions } from './context.ts'

const positiveInt = (name: string, v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 50_000_000)
    throw new SanshiError('SANSHI101', `--${name} must be a whole number from 1 to 50000000`)
  return n
}

export const registerFixtures = (program: Command): void => {
  program
    .command('fixtures')
    .description(
      'generate a synthetic district: all eight department exports with their dirt, plus truth.csv',
    )
    .requiredOption('--persons <n>', 'number of persons in the district')
    .option('--seed <s>', 'random seed', '1')
    .requiredOption('--out <dir>', 'output folder')
    .option('--district <code>', '6-digit district code from the division list', '320104')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<
        GlobalOptions & { persons: string; seed: string; out: string; district: string }
      >()
      if (!/^\d{6}$/.test(flags.district))
        throw new SanshiError('SANSHI101', '--district must be a 6-digit division code')
      const started = Date.now()
      const manifest = await generateFixtures({
        persons: positiveInt('persons', flags.persons),
        seed: Number.parseInt(flags.seed, 10) || 0,
        out: flags.out,
        district: flags.district,
      })
      const seconds = (Date.now() - started) / 1000
      if (flags.json) console.log(JSON.stringify({ ...manifest, seconds }))
      else {
        for (const f of manifest.files)
          console.log(`${f.file}: ${f.rows} rows (${f.format}${f.encoding ? `, ${f.encoding}` : ''})`)
        console.log(`truth.csv and manifest.json written to ${flags.out} in ${seconds.toFixed(1)} s`)
      }
    })
}
