import type { Database } from '../../db/index.ts'
import { SanshiError } from '../../errors.ts'
import { ulid } from '../../ids.ts'
import type { IngestOptions } from '../../ingest/index.ts'
import { matchAll } from '../../match/run.ts'
import type { MatchSettings } from '../../match/settings.ts'
import { assertCan, type Client, fieldView } from '../policy/index.ts'
import { currentId, getRecord, visibleIds } from '../registers/read.ts'
import { goldenAfter, goldenBefore } from './golden-state.ts'
import {
  type Doorstep,
  ingestVisit,
  mapVisit,
  refuseDoubtful,
  VISIT_SOURCE,
  visitMapping,
} from './visit-row.ts'

/**
 * Confirming a visit: what the worker confirmed or corrected becomes one grid.visit source record (a
 * one-row batch through the ingest, uploaded by the client), resolved at once by an incremental match;
 * the answer says which golden person and house it joined and what the hub learnt from it, told by
 * those records before and after (golden-state.ts) — as far as the client's scope reaches.
 */

export interface ConfirmInput extends Doorstep {
  personId?: string | undefined
  houseId?: string | undefined
}

export interface ConfirmContext {
  ingest: Omit<IngestOptions, 'source'>
  district: string
  settings: MatchSettings
  /** runs the write-and-match steps one visit at a time */
  queue: <T>(task: () => Promise<T>) => Promise<T>
}

export interface ConfirmResult {
  batchId: string
  personId: string | null
  houseId: string | null
  collectedNew: boolean
  newFields: string[]
  asPicked: boolean | null
}

/** A client limited to grids writes visits of its own grids only; one that serves a single grid may omit it. */
export function visitGrid(client: Client, gridCode: string | undefined): string | undefined {
  if (client.person.rows !== 'grids') return gridCode
  const served = client.grids ?? []
  if (gridCode === undefined) {
    if (served.length === 1) return served[0]
    throw new SanshiError('SANSHI101', 'gridCode: name the grid of this visit, one of the grids you serve')
  }
  if (!served.includes(gridCode))
    throw new SanshiError(
      'SANSHI401',
      `gridCode: ${gridCode} is not one of the grids client ${client.id} serves`,
    )
  return gridCode
}

/**
 * What the worker picked fills what they left blank, but only with what they saw whole of it (the name,
 * the address): the visit records what the worker confirmed, never a value the hub holds and they did not
 * see. A pick the client cannot see answers as one that does not exist.
 */
async function withPicks(db: Database, client: Client, input: ConfirmInput): Promise<Doorstep> {
  const person = input.personId ? await getRecord(db, client, 'person', input.personId) : null
  if (input.personId && !person)
    throw new SanshiError('SANSHI101', 'personId: no person you can see has this id')
  const house = input.houseId ? await getRecord(db, client, 'house', input.houseId) : null
  if (input.houseId && !house) throw new SanshiError('SANSHI101', 'houseId: no house you can see has this id')
  const whole = (entity: 'person' | 'house', field: string, r: Record<string, unknown> | null) =>
    r && fieldView(client, entity, field) === 'whole' && typeof r[field] === 'string'
      ? (r[field] as string)
      : undefined
  return {
    ...input,
    name: input.name ?? whole('person', 'name', person),
    address: input.address ?? whole('house', 'address', house) ?? whole('person', 'address', person),
  }
}

const todayInChina = (): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())

export async function confirmVisit(
  db: Database,
  client: Client,
  input: ConfirmInput,
  ctx: ConfirmContext,
): Promise<ConfirmResult> {
  assertCan(client, 'upload', { source: VISIT_SOURCE })
  const gridCode = visitGrid(client, input.gridCode)
  const typed = await withPicks(db, client, input)
  if (typed.name === undefined)
    throw new SanshiError('SANSHI101', 'name: a visit names the person visited (type it, or pick a person)')
  const visit = mapVisit(
    visitMapping(ctx.ingest.mappings),
    { ...typed, gridCode, visitedOn: typed.visitedOn ?? todayInChina() },
    `V-${ulid()}`,
    ctx.district,
  )
  refuseDoubtful(visit)

  return ctx.queue(async () => {
    // batches still waiting for a match are taken in first, so that what changes next is this visit's doing
    const [waiting] = await db.query<{ n: number }>(
      `select count(*)::int as n from batches where status = 'committed' and matched_at is null`,
    )
    if ((waiting?.n ?? 0) > 0) await matchAll(db, { settings: ctx.settings })
    const { summary, sourceRecordId } = await ingestVisit(db, visit, {
      ...ctx.ingest,
      uploadedBy: client.id,
      authorize: (source) => assertCan(client, 'upload', { source }),
      allowedGrids: client.person.rows === 'grids' ? client.grids : undefined,
    })
    const before = await goldenBefore(db, sourceRecordId, ctx.settings.person, {
      person: input.personId ? [await currentId(db, 'person', input.personId)] : [],
      house: input.houseId ? [await currentId(db, 'house', input.houseId)] : [],
    })
    await matchAll(db, { settings: ctx.settings })
    const learnt = await goldenAfter(db, sourceRecordId, before)

    const seen = async (entity: 'person' | 'house') => {
      const id = learnt[entity].id
      return id !== null && (await visibleIds(db, client, entity, [id])).has(id) ? id : null
    }
    const personId = await seen('person')
    const houseId = await seen('house')
    const newFields: string[] = []
    for (const [entity, id] of [
      ['person', personId],
      ['house', houseId],
    ] as const) {
      if (id === null) continue // outside the scope: what the hub learnt there is not the client's to know
      if (learnt[entity].created) newFields.push(entity)
      else
        for (const f of learnt[entity].changed)
          if (fieldView(client, entity, f) !== 'hidden') newFields.push(`${entity}.${f}`)
    }
    const picks = [
      [input.personId, learnt.person.id, 'person'],
      [input.houseId, learnt.house.id, 'house'],
    ] as const
    let asPicked: boolean | null = null
    for (const [picked, got, entity] of picks) {
      if (picked === undefined) continue
      asPicked = (asPicked ?? true) && got !== null && (await currentId(db, entity, picked)) === got
    }
    return {
      batchId: summary.batchId,
      personId,
      houseId,
      collectedNew: newFields.length > 0,
      newFields,
      asPicked,
    }
  })
}
