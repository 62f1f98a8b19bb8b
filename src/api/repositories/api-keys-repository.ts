import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database } from '../../db/index.ts'
import { SanshiError } from '../../errors.ts'
import type { Client, ClientRegistry } from '../policy/index.ts'

/** A key names itself on sight (in a log a human pastes, a secret scanner) but says nothing of its client. */
export const KEY_PREFIX = 'sk_'
const KEY_BYTES = 32
const KEY_SHAPE = /^sk_[A-Za-z0-9_-]{43}$/

export const hashKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex')

export const mintKey = (): string => KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url')

/** Mints a key for a known client; only its hash is stored, so the key is shown this once. */
export const createApiKey = async (
  db: Database,
  clients: ClientRegistry,
  clientId: string,
  label: string | null = null,
): Promise<string> => {
  if (!clients.get(clientId))
    throw new SanshiError(
      'SANSHI101',
      `unknown client ${clientId}; known: ${clients.clients.map((c) => c.id).join(', ')}`,
      { file: clients.file },
    )
  const key = mintKey()
  await db.query('INSERT INTO api_keys (key_hash, client_id, label) VALUES ($1, $2, $3)', [
    hashKey(key),
    clientId,
    label,
  ])
  return key
}

/** Revokes a client's keys (all of them, or those with a label); returns how many were live. */
export const revokeApiKeys = async (
  db: Database,
  filter: { clientId?: string; label?: string },
): Promise<number> => {
  const rows = await db.query<{ n: number }>(
    `WITH revoked AS (
       UPDATE api_keys SET revoked_at = now()
       WHERE revoked_at IS NULL AND ($1::text IS NULL OR client_id = $1) AND ($2::text IS NULL OR label = $2)
       RETURNING 1)
     SELECT count(*)::int AS n FROM revoked`,
    [filter.clientId ?? null, filter.label ?? null],
  )
  return rows[0]?.n ?? 0
}

/**
 * The client a presented key belongs to, or null. The lookup is by hash, so its timing says
 * something about a hash nobody can invert, never about the key; the stored hash is still compared
 * in constant time, so that no collation or padding surprise can make two different hashes equal.
 */
export const clientForKey = async (
  db: Database,
  clients: ClientRegistry,
  key: string,
): Promise<Client | null> => {
  if (!KEY_SHAPE.test(key)) return null
  const presented = hashKey(key)
  const rows = await db.query<{ key_hash: string; client_id: string }>(
    'SELECT key_hash, client_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [presented],
  )
  const row = rows[0]
  if (!row) return null
  const a = Buffer.from(row.key_hash, 'utf8')
  const b = Buffer.from(presented, 'utf8')
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null
  // a key whose client has since left clients.yaml opens nothing
  return clients.get(row.client_id) ?? null
}
