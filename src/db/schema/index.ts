// The whole schema, one import for drizzle (typed queries) and drizzle-kit (migration generation).
export * from './access.ts'
export * from './batches.ts'
export type { FieldProvenance } from './columns.ts'
export * from './golden.ts'
export * from './matching.ts'
export * from './mentions.ts'
export * from './relations.ts'
export * from './source.ts'
