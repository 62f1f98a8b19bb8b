import type { Mapping } from '../../connectors/index.ts'
import { allMappings, MappingError } from '../../connectors/index.ts'
import { type Config, databaseUrl, loadConfig } from '../config.ts'
import { type Database, openDatabase } from '../db/index.ts'
import { SanshiError } from '../errors.ts'

/** What every command shares: the configuration, the database, the mappings. */
export interface GlobalOptions {
  db?: string
  json?: boolean
  lang?: 'zh' | 'en'
}

export const config = (): Config => loadConfig()

export const openDb = async (opts: GlobalOptions, cfg: Config = config()): Promise<Database> =>
  openDatabase(databaseUrl(cfg, opts.db))

export const mappings = (files: readonly string[] = []): Mapping[] => {
  try {
    return allMappings(files)
  } catch (e) {
    if (e instanceof MappingError) throw new SanshiError('SANSHI209', e.issues.join('\n  '), { file: e.file })
    throw e
  }
}
