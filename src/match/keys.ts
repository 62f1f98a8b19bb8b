/**
 * The matcher's blocking keys, kept in match_keys so an incremental batch finds its candidates by
 * index. A key is stored as a 53-bit hash of rule + value (cyrb53): exact in a JS number and a bigint
 * column, and a collision only adds a candidate pair, never loses one.
 */
import type { Database, Tx } from '../db/types.ts'
import { type BlockingRule, keysOf } from './blocking.ts'
import { keyHash } from './hash.ts'

export { cyrb53, keyHash } from './hash.ts'

interface Mention {
  sourceRecordId: number
  role: string
}

export const KEY_COLUMNS = ['entity_type', 'key_hash', 'source_record_id', 'role']

/**
 * The same rows as COPY text, a few MB at a time. Every value is a number or one of our own
 * identifiers (entity type, role: letters and underscores), so nothing needs escaping, and making
 * the lines directly saves the generic encoder's work on tens of millions of rows.
 */
export function* keyText<R extends Mention>(
  entityType: string,
  records: readonly R[],
  rules: readonly BlockingRule<R>[],
  chunkLines = 200_000,
): Generator<string> {
  let lines: string[] = []
  for (const r of records) {
    const tail = `\t${r.sourceRecordId}\t${r.role}\n`
    for (const rule of rules)
      for (const k of keysOf(r, rule)) lines.push(`${entityType}\t${keyHash(rule.name, k)}${tail}`)
    if (lines.length >= chunkLines) {
      yield lines.join('')
      lines = []
    }
  }
  if (lines.length > 0) yield lines.join('')
}

/** Replace every key of an entity type (a full match): indexes dropped for the load, then rebuilt. */
export async function replaceAllKeys(
  db: Database,
  tx: Tx,
  entityType: string,
  rows: Iterable<unknown[]>,
): Promise<void> {
  await tx.query(`delete from match_keys where entity_type = $1`, [entityType])
  await db.copyInto(tx, 'match_keys', KEY_COLUMNS, rows)
}

/** The mentions holding any of these key hashes, with how many hold each hash in the whole register. */
export async function lookupKeys(
  db: Database,
  entityType: string,
  hashes: readonly number[],
): Promise<{
  mentions: { sourceRecordId: number; role: string; hash: number }[]
  counts: Map<number, number>
}> {
  const mentions: { sourceRecordId: number; role: string; hash: number }[] = []
  const counts = new Map<number, number>()
  const unique = [...new Set(hashes)]
  for (let k = 0; k < unique.length; k += 20_000) {
    const rows = await db.query<{ key_hash: string; source_record_id: string; role: string }>(
      `select key_hash, source_record_id, role from match_keys
        where entity_type = $1 and key_hash = any($2::bigint[])`,
      [entityType, unique.slice(k, k + 20_000).map(String)],
    )
    for (const r of rows) {
      const hash = Number(r.key_hash)
      counts.set(hash, (counts.get(hash) ?? 0) + 1)
      mentions.push({ sourceRecordId: Number(r.source_record_id), role: r.role, hash })
    }
  }
  return { mentions, counts }
}
