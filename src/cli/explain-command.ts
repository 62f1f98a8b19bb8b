import type { Command } from 'commander'
import { explainGolden, explainPair, type GoldenExplanation, type PairExplanation } from '../match/explain.ts'
import { loadSettings } from '../match/settings.ts'
import { maskPhone } from '../normalize/phone.ts'
import { maskResidentId } from '../normalize/resident-id.ts'
import { type GlobalOptions, openDb } from './context.ts'

interface ExplainFlags extends GlobalOptions {
  unmasked?: boolean
  settings?: string
}

const PERSONAL = new Set(['idNumber', 'id_number', 'phones'])

/** Resident ids and phones print masked unless the steward asks for them whole. */
function show(key: string, v: unknown, unmasked: boolean): string {
  if (v === null || v === undefined) return '—'
  if (!unmasked && PERSONAL.has(key)) {
    if (Array.isArray(v)) return v.map((p) => maskPhone(String(p))).join(', ') || '—'
    return maskResidentId(String(v))
  }
  return Array.isArray(v) ? v.join(', ') || '—' : String(v)
}

const sign = (w: number) => (Number.isFinite(w) ? (w >= 0 ? '+' : '') + w.toFixed(2) : w > 0 ? '+∞' : '−∞')

export function formatGolden(e: GoldenExplanation, unmasked: boolean): string {
  const lines = [
    `${e.entityType} ${e.id}${e.redirectedFrom ? `  (${e.redirectedFrom} was merged into it)` : ''}`,
  ]
  for (const [k, v] of Object.entries(e.fields)) {
    if (k === 'id') continue
    const p = e.provenance[camel(k)]
    lines.push(
      `  ${k.padEnd(20)} ${show(k, v, unmasked).padEnd(34)} ${p ? `← ${p.source} #${p.sourceRecordId} (${p.rule})` : ''}`,
    )
  }
  lines.push(`  ${e.members.length} source records:`)
  for (const m of e.members)
    lines.push(
      `    ${`${m.source}:${m.recordId}/${m.role}`.padEnd(44)} ${m.method.padEnd(7)} ${
        m.probability === null ? 'alone' : `p=${m.probability.toFixed(4)}`
      }  batch ${m.batchId} row ${m.rowNumber}`,
    )
  return lines.join('\n')
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

export function formatPair(p: PairExplanation, unmasked: boolean): string {
  const lines = [
    `${p.entityType} pair  ${p.left.ref}  ×  ${p.right.ref}${p.modelVersion ? `  (model ${p.modelVersion})` : ''}`,
  ]
  for (const k of Object.keys(p.left.values))
    lines.push(
      `  ${k.padEnd(12)} ${show(k, p.left.values[k], unmasked).padEnd(32)} ${show(k, p.right.values[k], unmasked)}`,
    )
  lines.push('', `  ${'comparison'.padEnd(22)} ${'level'.padEnd(28)} weight`)
  for (const t of p.terms) lines.push(`  ${t.name.padEnd(22)} ${t.level.padEnd(28)} ${sign(t.weight)}`)
  if (p.entityType !== 'house') lines.push(`  ${'prior'.padEnd(22)} ${''.padEnd(28)} ${sign(p.prior)}`)
  lines.push(
    `  ${'match weight'.padEnd(22)} ${''.padEnd(28)} ${sign(p.weight)}  → probability ${p.probability.toFixed(6)}`,
  )
  if (p.rule) lines.push(`  rule: ${p.rule.name} → ${p.rule.decision} (the rule decides, not the weight)`)
  const same = p.now.left !== null && p.now.left === p.now.right
  lines.push(
    `  now: ${same ? `both in ${p.now.left}` : `${p.now.left ?? 'not linked'} and ${p.now.right ?? 'not linked'}`}`,
  )
  return lines.join('\n')
}

export const registerExplain = (program: Command): void => {
  const explain = program
    .command('explain')
    .description(
      'why records were linked: a golden record with its sources, or one pair with its match weights',
    )
  for (const type of ['person', 'house', 'unit'] as const)
    explain
      .command(type)
      .description(`a golden ${type}: its fields with their provenance, and the source records linked to it`)
      .argument('<id>')
      .option('--unmasked', 'print resident ids and phones whole')
      .action(async (id: string, _f: unknown, cmd: Command) => {
        const flags = cmd.optsWithGlobals<ExplainFlags>()
        const db = await openDb(flags)
        try {
          const e = await explainGolden(db, type, id)
          console.log(flags.json ? JSON.stringify(e) : formatGolden(e, flags.unmasked ?? false))
        } finally {
          await db.close()
        }
      })
  explain
    .command('pair')
    .description(
      'the per-comparison match weights of two source records (SOURCE:RECORD, /ROLE where a record has several)',
    )
    .argument('<left>')
    .argument('<right>')
    .option('--unmasked', 'print resident ids and phones whole')
    .option('--settings <file>', 'matching settings (default: config/match.yaml)')
    .action(async (left: string, right: string, _f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<ExplainFlags>()
      const db = await openDb(flags)
      try {
        const p = await explainPair(db, left, right, loadSettings(flags.settings))
        console.log(flags.json ? JSON.stringify(p) : formatPair(p, flags.unmasked ?? false))
      } finally {
        await db.close()
      }
    })
}
