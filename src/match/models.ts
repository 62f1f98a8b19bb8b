/** Saving and loading trained models (match_models): the active one per entity type scores new batches. */
import type { Database, Tx } from '../db/types.ts'
import type { TrainedModel } from './linker.ts'

export async function activeModel(db: Database | Tx, entityType: string): Promise<TrainedModel | null> {
  const rows = await db.query<{ params: TrainedModel }>(
    `select params from match_models where entity_type = $1 and active order by trained_at desc limit 1`,
    [entityType],
  )
  return rows[0]?.params ?? null
}

export async function saveModel(
  tx: Tx,
  model: TrainedModel,
  settings: unknown,
  settingsVersion: string,
): Promise<void> {
  await tx.query(`update match_models set active = false where entity_type = $1 and active`, [
    model.entityType,
  ])
  await tx.query(
    `insert into match_models (version, entity_type, settings_version, settings, params, active)
     values ($1, $2, $3, $4, $5, true)
     on conflict (version) do update set active = true`,
    [model.version, model.entityType, settingsVersion, JSON.stringify(settings), JSON.stringify(model)],
  )
}
