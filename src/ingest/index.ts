export { DEFAULT_MAX_REFUSED_SHARE, ingestFile } from './ingest-file.ts'
export type { BatchSummary, IngestOptions } from './ingest-file.ts'
export { ingestPaths } from './ingest-paths.ts'
export type { PathOutcome } from './ingest-paths.ts'
