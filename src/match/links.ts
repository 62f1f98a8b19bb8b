import type { Database } from '../db/index.ts'
import type { EntityType, LinkRow } from './evaluate.ts'

/** Rows per round trip: large enough that paging costs little, small enough that memory stays flat. */
export const LINK_PAGE = 20_000

const MENTION_TABLES: readonly [table: string, entityType: EntityType][] = [
  ['source_persons', 'person'],
  ['source_houses', 'house'],
  ['source_units', 'unit'],
]

/*
 * One page of mentions after the keyset ($1, $2) = (source_record_id, role): each mention table gives at
 * most a page from its own index on source_record_id, the three are merged, and only then joined to
 * entity_links, so a page costs three short index scans whatever the table sizes.
 */
const tablePage = ([table, entityType]: (typeof MENTION_TABLES)[number]): string =>
  `(SELECT source_record_id, role, source, record_id, '${entityType}'::text AS entity_type FROM ${table}
    WHERE (source_record_id, role) > ($1::bigint, $2::text) ORDER BY source_record_id, role LIMIT $3)`

const PAGE_SQL = `SELECT m.source_record_id, m.role, m.source, m.record_id, m.entity_type,
    coalesce(l.golden_id, '') AS entity_id
  FROM (${MENTION_TABLES.map(tablePage).join(' UNION ALL ')}) m
  LEFT JOIN entity_links l ON l.source_record_id = m.source_record_id AND l.role = m.role
  ORDER BY m.source_record_id, m.role
  LIMIT $3`

interface PageRow {
  source_record_id: number
  role: string
  source: string
  record_id: string
  entity_type: EntityType
  entity_id: string
}

/**
 * Every role of every accepted source record (the mention tables: a refused row never gets there) with its
 * current golden id, '' where it has none yet; in (source_record_id, role) order, a page at a time.
 * entity_links always holds current ids, so no redirect is followed. pageSize is for tests.
 */
export async function* readHubLinks(db: Database, opts: { pageSize?: number } = {}): AsyncGenerator<LinkRow> {
  const size = opts.pageSize ?? LINK_PAGE
  let afterId = -1
  let afterRole = ''
  for (;;) {
    const page = await db.query<PageRow>(PAGE_SQL, [afterId, afterRole, size])
    for (const r of page)
      yield {
        source: r.source,
        recordId: r.record_id,
        role: r.role,
        entityType: r.entity_type,
        entityId: r.entity_id,
      }
    const last = page[page.length - 1]
    if (!last || page.length < size) return
    afterId = last.source_record_id
    afterRole = last.role
  }
}
