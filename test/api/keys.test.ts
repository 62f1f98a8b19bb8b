import { expect, it } from 'vitest'
import {
  clientForKey,
  createApiKey,
  hashKey,
  revokeApiKeys,
} from '../../src/api/repositories/api-keys-repository.ts'
import { isSanshiError } from '../../src/errors.ts'
import { forEachDatabase } from '../support/databases.ts'
import { clients } from './support.ts'

forEachDatabase('api keys', (getDb) => {
  it('mints a long random key and stores only its hash', async () => {
    const key = await createApiKey(getDb(), clients, 'civil')
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/) // 32 random bytes, base64url
    const rows = await getDb().query<{ key_hash: string; client_id: string }>(
      'SELECT key_hash, client_id FROM api_keys',
    )
    expect(rows).toContainEqual({ key_hash: hashKey(key), client_id: 'civil' })
    expect(JSON.stringify(rows)).not.toContain(key)
    expect((await clientForKey(getDb(), clients, key))?.id).toBe('civil')
    expect(await createApiKey(getDb(), clients, 'civil')).not.toBe(key)
  })

  it('refuses an unknown client', async () => {
    const error = await createApiKey(getDb(), clients, 'nobody').catch((e: unknown) => e)
    expect(isSanshiError(error) && error.code).toBe('SANSHI101')
  })

  it('opens nothing with a revoked key', async () => {
    const key = await createApiKey(getDb(), clients, 'urban')
    await getDb().query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashKey(key)])
    expect(await clientForKey(getDb(), clients, key)).toBeNull()
  })

  it('revokes a client’s keys, or only the demo’s', async () => {
    const mine = await createApiKey(getDb(), clients, 'market')
    const demo = await createApiKey(getDb(), clients, 'market', 'demo')
    const otherDemo = await createApiKey(getDb(), clients, 'civil', 'demo')
    expect(await revokeApiKeys(getDb(), { label: 'demo' })).toBe(2)
    expect((await clientForKey(getDb(), clients, mine))?.id).toBe('market')
    expect(await clientForKey(getDb(), clients, demo)).toBeNull()
    expect(await clientForKey(getDb(), clients, otherDemo)).toBeNull()
    expect(await revokeApiKeys(getDb(), { clientId: 'market' })).toBe(1)
    expect(await clientForKey(getDb(), clients, mine)).toBeNull()
    expect(await revokeApiKeys(getDb(), { clientId: 'market' })).toBe(0)
  })
})
