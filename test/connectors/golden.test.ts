/**
 * Connector golden files (STYLE.md, tests 2): every fixtures/connectors/<source>/<case>.csv|xlsx is
 * ingested into a fresh embedded database and what the hub kept is compared with <case>.expected.json,
 * written by hand from formats.md and the normaliser rules. The expected file states, per data row:
 *   status     accepted (in source_records) or refused (in refused_rows)
 *   recordId   the 记录编号 as stored (null when the row had none)
 *   problems   every problem of the row as {column, code, severity}; `detail` compared where stated
 *   data       the compact normalised values (source_records.data), exactly, for accepted rows
 *   raw        selected cells of the raw record; null means the header is absent (blank cell)
 *   mentions   one per role the row yields, in any order; each compared on the columns it states
 *              (source_persons / source_houses / source_units column names)
 * and for the whole file the batch outcome. A row the code gets wrong is listed in KNOWN_BUGS and
 * runs as it.fails, so it turns red the day the bug is fixed and the entry must go.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allMappings } from '../../connectors/index.ts'
import { type BatchSummary, ingestFile } from '../../src/ingest/index.ts'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'

const ROOT = join(import.meta.dirname, '../../fixtures/connectors')
const DEFAULT_DISTRICT = '320104'

interface ExpectedProblem {
  column: string | null
  code: string
  severity: 'error' | 'warning'
  detail?: string
}
type ExpectedMention = { entity: 'person' | 'house' | 'unit'; role: string } & Record<string, unknown>
interface ExpectedRow {
  row: number
  status: 'accepted' | 'refused'
  recordId: string | null
  problems: ExpectedProblem[]
  data?: Record<string, unknown>
  raw?: Record<string, string | null>
  mentions: ExpectedMention[]
}
interface Expected {
  batch: { status: BatchSummary['status']; rows: number; accepted: number; rejected: number }
  rows: ExpectedRow[]
}

/**
 * Rows where the code disagrees with what a clerk would expect: `<source>/<file>#<row>` → the bug.
 * The expected file keeps the right answer; the test is marked as failing until the code is fixed.
 */
const KNOWN_BUGS: Record<string, string> = {}

interface StoredProblem {
  column: string | null
  code: string
  severity: 'error' | 'warning'
  detail?: string
}
interface ActualRow {
  status: 'accepted' | 'refused'
  recordId: string | null
  problems: StoredProblem[]
  data: Record<string, unknown> | null
  raw: Record<string, string>
  mentions: Array<Record<string, unknown>>
}

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))

/** Everything the hub kept of one ingested file, by file row number. */
const readBack = async (t: TestDatabase, batchId: string): Promise<Map<number, ActualRow>> => {
  const db = t.database
  const byRow = new Map<number, ActualRow>()
  const records = await db.query<{
    id: string | number
    record_id: string
    row_number: number
    raw: unknown
    data: unknown
    problems: unknown
  }>('SELECT id, record_id, row_number, raw, data, problems FROM source_records WHERE batch_id = $1', [
    batchId,
  ])
  const rowOfRecord = new Map<number, ActualRow>()
  for (const r of records) {
    const row: ActualRow = {
      status: 'accepted',
      recordId: r.record_id,
      problems: parseJson<StoredProblem[]>(r.problems),
      data: parseJson<Record<string, unknown>>(r.data),
      raw: parseJson<Record<string, string>>(r.raw),
      mentions: [],
    }
    byRow.set(r.row_number, row)
    rowOfRecord.set(Number(r.id), row)
  }
  for (const [table, entity] of [
    ['source_persons', 'person'],
    ['source_houses', 'house'],
    ['source_units', 'unit'],
  ] as const) {
    const mentions = await db.query<Record<string, unknown> & { source_record_id: string | number }>(
      `SELECT * FROM ${table} WHERE source_record_id = ANY($1::bigint[])`,
      [[...rowOfRecord.keys()]],
    )
    for (const m of mentions) rowOfRecord.get(Number(m.source_record_id))?.mentions.push({ entity, ...m })
  }
  const refused = await db.query<{
    row_number: number
    record_id: string | null
    raw: unknown
    problems: unknown
  }>('SELECT row_number, record_id, raw, problems FROM refused_rows WHERE batch_id = $1', [batchId])
  for (const r of refused) {
    if (byRow.has(r.row_number)) throw new Error(`row ${r.row_number} is both accepted and refused`)
    byRow.set(r.row_number, {
      status: 'refused',
      recordId: r.record_id,
      problems: parseJson<StoredProblem[]>(r.problems),
      data: null,
      raw: parseJson<Record<string, string>>(r.raw),
      mentions: [],
    })
  }
  return byRow
}

const byColumnAndCode = (
  a: { column: string | null; code: string },
  b: { column: string | null; code: string },
) => `${a.column ?? ''}\u0000${a.code}`.localeCompare(`${b.column ?? ''}\u0000${b.code}`)

const pick = (o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((k) => [k, o[k]]))

/** The actual row reduced to what the expected row states, so one toEqual shows every difference. */
const comparable = (actual: ActualRow, expected: ExpectedRow) => {
  const wantProblems = [...expected.problems].sort(byColumnAndCode)
  const gotProblems = [...actual.problems].sort(byColumnAndCode)
  const problems = gotProblems.map((p, i) => {
    const want = wantProblems[i]
    const base: Record<string, unknown> = { column: p.column, code: p.code, severity: p.severity }
    if (want?.detail !== undefined) base.detail = p.detail
    return base
  })
  const mentionKey = (m: Record<string, unknown>) => `${m.entity}/${m.role}`
  const wantMentions = [...expected.mentions].sort((a, b) => mentionKey(a).localeCompare(mentionKey(b)))
  const gotMentions = [...actual.mentions].sort((a, b) => mentionKey(a).localeCompare(mentionKey(b)))
  const mentions = gotMentions.map((m, i) => {
    const want = wantMentions[i]
    return want && mentionKey(want) === mentionKey(m)
      ? pick(m, Object.keys(want))
      : pick(m, ['entity', 'role'])
  })
  const got: Record<string, unknown> = {
    status: actual.status,
    recordId: actual.recordId,
    problems,
    mentions,
  }
  const want: Record<string, unknown> = {
    status: expected.status,
    recordId: expected.recordId,
    problems: wantProblems,
    mentions: wantMentions,
  }
  if (expected.data !== undefined) {
    got.data = actual.data
    want.data = expected.data
  }
  if (expected.raw !== undefined) {
    got.raw = Object.fromEntries(Object.keys(expected.raw).map((k) => [k, actual.raw[k] ?? null]))
    want.raw = expected.raw
  }
  return { got, want }
}

const sources = readdirSync(ROOT)
  .filter((d) => statSync(join(ROOT, d)).isDirectory())
  .sort()

for (const source of sources) {
  describe(source, () => {
    const files = readdirSync(join(ROOT, source))
      .filter((f) => /\.(csv|xlsx)$/.test(f))
      .sort()
    it('has a typical and a malformed golden file', () => {
      expect(files.map((f) => f.replace(/\.(csv|xlsx)$/, ''))).toEqual(
        expect.arrayContaining(['malformed', 'typical']),
      )
    })

    for (const file of files) {
      const path = join(ROOT, source, file)
      const expectedPath = path.replace(/\.(csv|xlsx)$/, '.expected.json')
      if (!existsSync(expectedPath)) {
        it(`${file} has its expected file beside it`, () => {
          expect.fail(`${expectedPath} is missing`)
        })
        continue
      }
      const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected

      describe(file, () => {
        let handle: TestDatabase | undefined
        let summary: BatchSummary | undefined
        let rows = new Map<number, ActualRow>()

        beforeAll(async () => {
          handle = await openTestDatabase('pglite')
          summary = await ingestFile(handle.database, path, {
            source,
            mappings: allMappings(),
            defaultDistrict: DEFAULT_DISTRICT,
          })
          rows = await readBack(handle, summary.batchId)
        })
        afterAll(async () => {
          await handle?.dispose()
        })

        it('commits or refuses the batch as expected', () => {
          expect(pick({ ...summary }, ['status', 'rows', 'accepted', 'rejected'])).toEqual(expected.batch)
        })

        it('accounts for every data row, and for no other', () => {
          expect([...rows.keys()].sort((a, b) => a - b)).toEqual(expected.rows.map((r) => r.row))
        })

        for (const row of expected.rows) {
          const bug = KNOWN_BUGS[`${source}/${file}#${row.row}`]
          const test = bug ? it.fails : it
          test(`row ${row.row} ${row.recordId ?? '(no 记录编号)'}: ${row.status}${bug ? ` — known bug: ${bug}` : ''}`, () => {
            const actual = rows.get(row.row)
            expect(actual, `row ${row.row} not found in source_records or refused_rows`).toBeDefined()
            const { got, want } = comparable(actual!, row)
            expect(got).toEqual(want)
          })
        }
      })
    }
  })
}
