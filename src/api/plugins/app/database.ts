import type { FastifyInstance } from 'fastify'
import type { Mapping } from '../../../../connectors/index.ts'
import type { Database } from '../../../db/index.ts'
import type { IngestOptions } from '../../../ingest/index.ts'
import { shared } from '../shared.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: Database
    /** how uploads are ingested: the known formats, the default district, the refusal limit */
    ingest: Omit<IngestOptions, 'source' | 'onProgress'> & { mappings: readonly Mapping[] }
  }
}

export interface DatabaseOptions extends Record<string, unknown> {
  db: Database
  ingest: FastifyInstance['ingest']
}

/** The database belongs to whoever opened it (the CLI): the app uses it and leaves closing to them. */
export const databasePlugin = shared(
  'sanshi-database',
  async (app: FastifyInstance, opts: DatabaseOptions) => {
    app.decorate('db', opts.db)
    app.decorate('ingest', opts.ingest)
  },
)
