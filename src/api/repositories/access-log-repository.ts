import type { Database } from '../../db/index.ts'

export interface AccessEntry {
  clientId: string
  /** the scope that allowed the read, as `can` named it: upload:police.* */
  scope: string
  /** person | house | unit, or refused_rows for a batch's refused rows */
  entityType: string
  recordIds: readonly string[]
  reason: string
}

/** Written before the data leaves: a read that cannot be logged does not happen. */
export const logAccess = async (db: Database, e: AccessEntry): Promise<void> => {
  await db.query(
    'INSERT INTO access_log (client_id, scope, entity_type, record_ids, reason) VALUES ($1, $2, $3, $4, $5)',
    [e.clientId, e.scope, e.entityType, [...e.recordIds], e.reason],
  )
}
