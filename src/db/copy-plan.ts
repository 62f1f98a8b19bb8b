import { COLUMN_KINDS_SQL, type ColumnKind, kindsFor, quoteTable, rowEncoder } from './copy-text.ts'
import type { Tx } from './types.ts'

/** Per-database cache of column encodings, so repeated small COPYs do not re-read the catalog. */
export class CopyPlanner {
  private readonly cache = new Map<string, ColumnKind[]>()

  async encoderFor(tx: Tx, table: string, columns: string[]) {
    const key = table + '\u0000' + columns.join('\u0000')
    let kinds = this.cache.get(key)
    if (!kinds) {
      const found = await tx.query<{ name: string; kind: ColumnKind }>(COLUMN_KINDS_SQL, [quoteTable(table)])
      kinds = kindsFor(table, columns, found)
      this.cache.set(key, kinds)
    }
    return rowEncoder(kinds, table)
  }

  /** After migrations a table's columns may change: forget what was learned. */
  clear(): void {
    this.cache.clear()
  }
}
