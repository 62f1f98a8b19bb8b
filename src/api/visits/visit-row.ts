import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findHeader, type Mapping } from '../../../connectors/index.ts'
import type { HouseMention, PersonMention } from '../../../schemas/mentions.ts'
import { type Problem, problemMessage } from '../../../schemas/problem.ts'
import type { Database } from '../../db/index.ts'
import { SanshiError } from '../../errors.ts'
import { assembleMentions } from '../../ingest/assemble.ts'
import { type BatchSummary, ingestFile, type IngestOptions } from '../../ingest/index.ts'
import { RowMapper } from '../../ingest/map-row.ts'

/**
 * What a grid worker typed, as the one row of a grid.visit file (connectors/grid.visit.yaml) — so a
 * lookup reads the input exactly as the ingest will read the confirmed visit, and a confirm goes
 * through the ingest itself: the same parsers, the same checks, the same source record.
 */

export const VISIT_SOURCE = 'grid.visit'

/** What the worker typed, by the request's field names. */
export interface Doorstep {
  name?: string | undefined
  idNumber?: string | undefined
  phone?: string | undefined
  address?: string | undefined
  gridCode?: string | undefined
  visitedOn?: string | undefined
  category?: string | undefined
}

/** The connector's fields and the request fields they are filled from. */
const REQUEST_FIELD: Readonly<Record<string, keyof Doorstep | 'recordId'>> = {
  record_id: 'recordId',
  grid_code: 'gridCode',
  name: 'name',
  id_number: 'idNumber',
  phone: 'phone',
  address: 'address',
  category: 'category',
  visited_on: 'visitedOn',
}

export interface MappedVisit {
  recordId: string
  header: string[]
  cells: string[]
  person: PersonMention | null
  house: HouseMention | null
  /** the mapper's problems, each under the request field it concerns */
  problems: { field: string; problem: Problem }[]
}

export const visitMapping = (mappings: readonly Mapping[]): Mapping => {
  const mapping = mappings.find((m) => m.source === VISIT_SOURCE)
  if (!mapping) throw new SanshiError('SANSHI204', `the ${VISIT_SOURCE} format is not among the known ones`)
  return mapping
}

/** The doorstep input mapped and normalised as the grid.visit connector maps a row of a file. */
export function mapVisit(mapping: Mapping, typed: Doorstep, recordId: string, district: string): MappedVisit {
  const header = mapping.columns.map((c) => c.header)
  const cells = mapping.columns.map((c) => {
    const from = REQUEST_FIELD[c.field]
    return from === 'recordId' ? recordId : from ? (typed[from] ?? '') : ''
  })
  const match = findHeader([header], mapping)
  if (!match) throw new Error(`${VISIT_SOURCE}: its own header does not match it`)
  const mapper = new RowMapper(header, match, { defaultDistrict: district, excelDates: false })
  // row 2: the row under the header, as the file written for a confirm has it
  const mapped = mapper.map({ row: 2, cells })
  const fieldOf = new Map(mapping.columns.map((c) => [c.header, REQUEST_FIELD[c.field] ?? c.field]))
  const problems = mapped.problems.map((p) => ({
    field: (p.column && fieldOf.get(p.column)) || 'visit',
    problem: p,
  }))
  const mentions = assembleMentions(mapping, mapped.values, 2, mapped.problems, (f) => mapper.headerOf(f))
  let person: PersonMention | null = null
  let house: HouseMention | null = null
  for (const m of mentions) {
    if (m.entity === 'person') person ??= m.data
    else if (m.entity === 'house') house ??= m.data
  }
  return { recordId, header, cells, person, house, problems }
}

const describe = (ps: MappedVisit['problems']): string =>
  ps.map(({ field, problem }) => `${field}: ${problemMessage(problem, 'en')}`).join('; ')

/**
 * A lookup refuses only what it cannot read (a phone that is no phone); a typed value that was read
 * with a doubt (an id with a wrong check digit) still searches. Problem texts carry no typed value.
 */
export function refuseUnreadable(visit: MappedVisit, typed: Doorstep): void {
  const lost = visit.problems.filter(
    ({ field, problem }) => problem.code !== 'REQUIRED' && typed[field as keyof Doorstep] !== undefined,
  )
  const unread = lost.filter(({ field }) => !readBack(visit, field))
  if (unread.length > 0) throw new SanshiError('SANSHI101', describe(unread))
}

/** Whether a typed field's value made it into the mentions. */
const readBack = (visit: MappedVisit, field: string): boolean => {
  const p = visit.person
  switch (field) {
    case 'name':
      return p?.name != null
    case 'idNumber':
      return p?.idNumber != null || p?.otherDocument != null
    case 'phone':
      return (p?.phones.length ?? 0) > 0
    case 'address':
      return visit.house !== null
    default:
      return true
  }
}

/** A confirmed visit is a record kept for good: any doubt about a value refuses it, before anything is written. */
export function refuseDoubtful(visit: MappedVisit): void {
  if (visit.problems.length > 0) throw new SanshiError('SANSHI101', describe(visit.problems))
}

const csvCell = (v: string): string => `"${v.replace(/"/g, '""')}"`

/**
 * Writes the visit as a one-row grid.visit batch through the ingest (all or nothing, uploaded_by the
 * client) and returns its summary and the source record's id.
 */
export async function ingestVisit(
  db: Database,
  visit: MappedVisit,
  opts: Omit<IngestOptions, 'source'>,
): Promise<{ summary: BatchSummary; sourceRecordId: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sanshi-visit-'))
  try {
    const path = join(dir, `${VISIT_SOURCE}-${visit.recordId}.csv`)
    const text = [visit.header, visit.cells].map((row) => row.map(csvCell).join(',')).join('\r\n')
    await writeFile(path, `${text}\r\n`, { encoding: 'utf8', flag: 'wx' })
    const summary = await ingestFile(db, path, { ...opts, source: VISIT_SOURCE })
    if (summary.status !== 'committed' || summary.accepted !== 1)
      throw new SanshiError('SANSHI208', summary.message ?? 'the visit was refused by the ingest')
    const [row] = await db.query<{ id: string }>(
      'select id from source_records where source = $1 and record_id = $2',
      [VISIT_SOURCE, visit.recordId],
    )
    if (!row) throw new Error(`the visit ${visit.recordId} was committed but its record is not there`)
    return { summary, sourceRecordId: Number(row.id) }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
