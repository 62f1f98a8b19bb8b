import type { Command } from 'commander'
import { loadClients } from '../api/policy/index.ts'
import { createApiKey, revokeApiKeys } from '../api/repositories/api-keys-repository.ts'
import { config, type GlobalOptions, openDb } from './context.ts'

export const registerKeys = (program: Command): void => {
  const keys = program.command('keys').description('API keys: minted here, stored only as their sha256 hash')
  keys
    .command('create')
    .description('mint a key for a client of the clients file; the key is printed alone on the last line')
    .requiredOption('--client <id>', 'client id from the clients file, e.g. police')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { client: string }>()
      const cfg = config()
      const clients = loadClients(cfg.SANSHI_CLIENTS_FILE)
      const db = await openDb(flags, cfg)
      try {
        const key = await createApiKey(db, clients, flags.client)
        if (flags.json) console.log(JSON.stringify({ client: flags.client, key }))
        else {
          console.error(
            `key for client ${flags.client}: only its hash is stored, so keep it now; send it as Authorization: Bearer KEY`,
          )
          console.log(key)
        }
      } finally {
        await db.close()
      }
    })
  keys
    .command('revoke')
    .description("revoke every live key of a client (a leaked key, a department's new clerk)")
    .requiredOption('--client <id>', 'client id, e.g. police')
    .action(async (_f: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { client: string }>()
      const db = await openDb(flags)
      try {
        const n = await revokeApiKeys(db, { clientId: flags.client })
        if (flags.json) console.log(JSON.stringify({ client: flags.client, revoked: n }))
        else console.log(`${n} key(s) of client ${flags.client} revoked`)
      } finally {
        await db.close()
      }
    })
}
