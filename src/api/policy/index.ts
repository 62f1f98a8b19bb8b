// The one policy module: who a client is (client-schema, load-clients) and what it may do (decide),
// which records it sees (rows) and how their fields look to it (fields).
export type { Client, EntityScope, FieldView, RowRule } from './client-schema.ts'
export { ClientSchema, ClientsFileSchema, ENTITY_FIELDS, MASKABLE_FIELDS } from './client-schema.ts'
export type { Action, Decision } from './decide.ts'
export { assertCan, can, sourceMatches, uploadPattern } from './decide.ts'
export { fieldView, maskValue, viewRecord } from './fields.ts'
export type { ClientRegistry } from './load-clients.ts'
export { DEFAULT_CLIENTS_FILE, loadClients, parseClients } from './load-clients.ts'
export type { GridFacts, RecordFacts } from './rows.ts'
export { gridVisible, rowVisible } from './rows.ts'
export { ENTITY_TABLES, rowsCondition, WHERE_COLUMNS } from './rows-sql.ts'
