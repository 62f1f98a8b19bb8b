import { bigint, timestamp } from 'drizzle-orm/pg-core'

// source_records.id is a bigserial; JS numbers hold it exactly up to 2^53, far beyond any province.
export const sourceRecordRef = (name: string) => bigint(name, { mode: 'number' })

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true })

/** Which source record supplied a golden field, and by which survivorship rule. */
export interface FieldProvenance {
  sourceRecordId: number
  source: string
  rule: string
  at?: string
}
