import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import type { Command } from 'commander'
import { CsvError, parse } from 'csv-parse'
import { SanshiError } from '../errors.ts'
import {
  ConflictingMentionError,
  ENTITY_TYPES,
  type EntityType,
  type Evaluation,
  Evaluator,
  type LinkRow,
  type MemberCount,
  type Scores,
} from '../match/evaluate.ts'
import { readHubLinks } from '../match/links.ts'
import { type GlobalOptions, openDb } from './context.ts'
import { LINK_COLUMNS } from './export-command.ts'

interface ParsedRecord {
  record: string[]
  info: { lines: number }
}

const isEntityType = (v: string): v is EntityType => (ENTITY_TYPES as readonly string[]).includes(v)

/**
 * Streams a truth file (truth.csv of `sanshi fixtures`, or the same columns in any order) into add().
 * A bad row stops the run with SANSHI302 naming the file, the row and the column; values are never
 * echoed, since a misaligned column may hold anything.
 */
export const readTruth = async (file: string, add: (row: LinkRow) => void): Promise<number> => {
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true })
  const piped = pipeline(createReadStream(file), parser)
  piped.catch(() => {}) // a failure on either side ends the iteration below with the same error
  const refusal = (message: string, row: number, column?: string): SanshiError =>
    new SanshiError('SANSHI302', message, { file, row, ...(column ? { column } : {}) })
  let at: number[] | undefined // index of each LINK_COLUMNS column in the file
  let width = 0
  let rows = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      const row = info.lines
      if (!at) {
        const header = record.map((h) => h.trim())
        const missing = LINK_COLUMNS.filter((c) => !header.includes(c))
        if (missing.length > 0)
          throw refusal(
            `the header lacks ${missing.join(', ')}: a truth file has the columns ${LINK_COLUMNS.join(',')}`,
            row,
          )
        at = LINK_COLUMNS.map((c) => header.indexOf(c))
        width = header.length
        continue
      }
      const cells = at.map((i) => record[i])
      if (cells.includes(undefined))
        throw refusal(`the row has ${record.length} fields, fewer than the header's ${width}`, row)
      const [source = '', recordId = '', role = '', entityType = '', entityId = ''] = cells
      LINK_COLUMNS.forEach((c, k) => {
        if (cells[k] === '') throw refusal('the value is blank', row, c)
      })
      if (!isEntityType(entityType)) throw refusal('must be person, house or unit', row, 'entity_type')
      try {
        add({ source, recordId, role, entityType, entityId })
      } catch (e) {
        if (e instanceof ConflictingMentionError)
          throw refusal(`${e.ref} is given before with another entity id`, row, 'entity_id')
        throw e
      }
      rows++
    }
  } catch (e) {
    if (e instanceof SanshiError) throw e
    if (e instanceof CsvError)
      throw new SanshiError('SANSHI205', `the CSV cannot be parsed (${e.code})`, {
        file,
        row: (e as CsvError & { lines?: number }).lines ?? 0,
      })
    const io = e as NodeJS.ErrnoException | undefined
    if (io?.syscall === undefined) throw e
    throw new SanshiError('SANSHI201', `the file cannot be read (${io.code ?? io.syscall})`, { file })
  }
  if (!at) throw new SanshiError('SANSHI202', 'the truth file is empty', { file })
  return rows
}

const score = (v: number | null): string => (v === null ? '—' : v.toFixed(4))

const parts = (list: MemberCount[], total: number): string =>
  list.map((p) => `${p.id} ×${p.mentions}`).join(', ') + (total > list.length ? `, … (${total} in all)` : '')

/** The figures as a table, one column per entity type, then the worst merges and splits of each. */
export const formatEvaluation = (e: Evaluation): string => {
  const line = (label: string, f: (t: Evaluation[EntityType]) => string | number) =>
    label.padEnd(22) + ENTITY_TYPES.map((t) => String(f(e[t])).padStart(12)).join('')
  const scores = (label: string, f: (t: Evaluation[EntityType]) => Scores) => [
    line(`${label} precision`, (t) => score(f(t).precision)),
    line(`${label} recall`, (t) => score(f(t).recall)),
    line(`${label} F1`, (t) => score(f(t).f1)),
  ]
  const out = [
    ''.padEnd(22) + ENTITY_TYPES.map((t) => t.padStart(12)).join(''),
    line('mentions compared', (t) => t.mentions),
    line('  only in truth', (t) => t.truthOnly),
    line('  only in hub', (t) => t.hubOnly),
    line('    not linked yet', (t) => t.unlinked),
    line('truth entities', (t) => t.truthEntities),
    line('hub clusters', (t) => t.hubClusters),
    line('truth pairs', (t) => t.pairwise.truthPairs),
    line('hub pairs', (t) => t.pairwise.hubPairs),
    line('pairs in both', (t) => t.pairwise.truePositives),
    ...scores('pairwise', (t) => t.pairwise),
    ...scores('B-cubed', (t) => t.bcubed),
  ]
  for (const type of ENTITY_TYPES) {
    const { worstMerges, worstSplits } = e[type]
    if (worstMerges.length > 0) {
      out.push('', `${type}: worst merges (hub clusters holding several truth entities)`)
      for (const m of worstMerges)
        out.push(
          `  ${m.hubId}: ${m.size} mentions, ${m.wrongPairs} wrong pairs; truth ${parts(m.entities, m.entityCount)}`,
          `    ${m.members.join('  ')}`,
        )
    }
    if (worstSplits.length > 0) {
      out.push('', `${type}: worst splits (truth entities spread over several hub clusters)`)
      for (const s of worstSplits)
        out.push(
          `  ${s.truthId}: ${s.size} mentions, ${s.missedPairs} missed pairs; hub ${parts(s.clusters, s.clusterCount)}`,
          `    ${s.members.join('  ')}`,
        )
    }
  }
  return out.join('\n')
}

export const registerEval = (program: Command): void => {
  program
    .command('eval')
    .description(
      "score the hub's clusters against a ground truth: pairwise and B-cubed precision, recall and F1 per entity type",
    )
    .requiredOption(
      '--truth <file>',
      `CSV with the columns ${LINK_COLUMNS.join(',')} (truth.csv of sanshi fixtures)`,
    )
    .option('--examples <n>', 'worst merges and splits to show per entity type', '5')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { truth: string; examples: string }>()
      const examples = Number(flags.examples)
      if (!/^\d+$/.test(flags.examples) || examples > 1000)
        throw new SanshiError('SANSHI101', '--examples must be a whole number from 0 to 1000')
      const evaluator = new Evaluator()
      // the truth first: a bad file is refused before the database is opened
      await readTruth(flags.truth, (row) => evaluator.addTruth(row))
      const db = await openDb(flags)
      try {
        for await (const row of readHubLinks(db)) evaluator.addHub(row)
      } finally {
        await db.close()
      }
      const result = evaluator.result({ examples })
      console.log(flags.json ? JSON.stringify(result) : formatEvaluation(result))
    })
}
