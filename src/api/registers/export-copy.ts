import type { EntityType } from '../../../schemas/mentions.ts'
import { arrayItems, type CopyTextPage, inlineParams } from '../../db/copy-out.ts'
import {
  BooleanBuilder,
  type ColumnPage,
  FloatBuilder,
  ListBuilder,
  TextBuilder,
  type Vector,
} from '../exports/column-page.ts'
import { type ExportColumn, readFloat, readText, readTextList } from '../exports/columns.ts'
import { type Client, fieldView, maskValue, rowsCondition } from '../policy/index.ts'
import { PlaceText } from './place-text.ts'
import { REGISTERS } from './records.ts'

/**
 * A register's export read as COPY text on PostgreSQL and laid out by column without a record object in
 * between: the database selects each column in its final form where it can (a reference outside the
 * scope already blanked), and Node copies bytes, making strings only for what only it can write —
 * addresses as text, masks. The same answers as records.ts's toRecord and the client's field view;
 * test/api/registers/export-copy.test.ts holds the two paths to the same bytes for every client.
 */

type Field =
  /** text as stored */
  | { kind: 'text'; sql: string }
  /**
   * an address as readable text (format.ts): from a canonical key alone, or from the key, whether there
   * is a standard address, and its eight parts
   */
  | { kind: 'place'; sql: string[] }
  /** text[]; as records.ts reads one, a NULL array is empty and a null item the text "null" */
  | { kind: 'list'; sql: string }
  | { kind: 'float'; sql: string }
  /** boolean, NULL read as false */
  | { kind: 'flag'; sql: string }
  /** a golden id of another register, blanked where the client does not see that record */
  | { kind: 'reference'; column: string; target: EntityType }

/** An address: the standard address's parts where there is one, else the canonical key (records.ts). */
const address = (key: string, when = 'true'): Field => ({
  kind: 'place',
  sql: [
    `case when ${when} and a.id is null then ${key} end`,
    `${when} and a.id is not null`,
    ...['division_code', 'road', 'number', 'compound', 'building', 'unit', 'floor', 'room'].map(
      (c) => `a.${c}`,
    ),
  ],
})

const text = (sql: string): Field => ({ kind: 'text', sql })

const FIELDS: { [E in EntityType]: Readonly<Record<string, Field>> } = {
  person: {
    id: text('t.id'),
    idNumber: text('t.id_number'),
    name: text('t.name'),
    gender: text('t.gender'),
    birthDate: text('t.birth_date'),
    ethnicity: text('t.ethnicity'),
    phones: { kind: 'list', sql: 't.phones' },
    hukouAddress: { kind: 'place', sql: ['t.hukou_address'] },
    category: text('t.category'),
    assistance: { kind: 'list', sql: 't.assistance' },
    houseId: { kind: 'reference', column: 't.house_id', target: 'house' },
    address: address('h.key', 't.house_id is not null'),
    gridCode: text('t.grid_code'),
  },
  house: {
    id: text('t.id'),
    address: address('t.key'),
    divisionCode: text('a.division_code'),
    road: text('a.road'),
    number: text('a.number'),
    compound: text('a.compound'),
    building: text('a.building'),
    unit: text('a.unit'),
    floor: text('a.floor'),
    room: text('a.room'),
    partial: { kind: 'flag', sql: 't.partial' },
    usage: text('t.usage'),
    ownerPersonId: { kind: 'reference', column: 't.owner_person_id', target: 'person' },
    gridCode: text('t.grid_code'),
    lng: { kind: 'float', sql: 't.lng' },
    lat: { kind: 'float', sql: 't.lat' },
  },
  unit: {
    id: text('t.id'),
    creditCode: text('t.credit_code'),
    name: text('t.name'),
    signNames: { kind: 'list', sql: 't.sign_names' },
    kind: text('t.kind'),
    status: text('t.status'),
    legalRepPersonId: { kind: 'reference', column: 't.legal_rep_person_id', target: 'person' },
    houseId: { kind: 'reference', column: 't.house_id', target: 'house' },
    address: address('h.key', 't.house_id is not null'),
    industry: text('t.industry'),
    gridCode: text('t.grid_code'),
  },
}

const TABLES: Record<EntityType, string> = { person: 'persons', house: 'houses', unit: 'units' }

/** The id only where the client sees the record it names: visibleIds (read.ts) in SQL. */
const referenceSql = (
  client: Client,
  f: { column: string; target: EntityType },
  params: unknown[],
): string => {
  const scope = rowsCondition(client, f.target, 'r', params)
  if (scope === 'true') return f.column
  if (scope === 'false') return 'null::text'
  return `case when exists (select 1 from ${TABLES[f.target]} r where r.id = ${f.column} and ${scope})
            then ${f.column} end`
}

/** Fills a column from its field (its first, where it takes several) of every row of a page. */
type Fill = (page: CopyTextPage, field: number) => Vector

const decode = (page: CopyTextPage, f: number): string | null =>
  page.starts[f]! < 0 ? null : page.bytes.toString('utf8', page.starts[f], page.ends[f])

const fillText: Fill = (page, field) => {
  const b = new TextBuilder(page.rows, 24)
  const { bytes, starts, ends, fields } = page
  for (let r = 0, f = field; r < page.rows; r++, f += fields)
    if (starts[f]! < 0) b.appendNull()
    else b.appendBytes(bytes, starts[f]!, ends[f]!)
  return b.finish()
}

/** Text made by `make` from each value's string; null values give null without a call. */
const fillMade =
  (make: (value: string) => string | null): Fill =>
  (page, field) => {
    const b = new TextBuilder(page.rows, 24)
    for (let r = 0, f = field; r < page.rows; r++, f += page.fields) {
      const value = decode(page, f)
      b.append(value === null ? null : make(value))
    }
    return b.finish()
  }

/** An address's text: from the key alone (one field), or from the parts where they are present (ten). */
const fillPlace = (withParts: boolean): Fill => {
  const place = new PlaceText()
  return (page, field) => {
    const b = new TextBuilder(page.rows, 48)
    const { bytes, starts, ends, fields } = page
    for (let r = 0, f = field; r < page.rows; r++, f += fields)
      if (withParts && starts[f + 1]! >= 0 && bytes[starts[f + 1]!] === 116)
        place.address(b, bytes, starts, ends, f + 2)
      else place.key(b, bytes, starts[f]!, ends[f]!)
    return b.finish()
  }
}

const NULL_ITEM = Buffer.from('null')

const fillList: Fill = (page, field) => {
  const b = new ListBuilder(page.rows)
  const { bytes, starts, ends, fields } = page
  const item = (s: number, e: number) =>
    s < 0 ? b.items.appendBytes(NULL_ITEM, 0, NULL_ITEM.length) : b.items.appendBytes(bytes, s, e)
  for (let r = 0, f = field; r < page.rows; r++, f += fields) {
    if (starts[f]! >= 0) arrayItems(bytes, starts[f]!, ends[f]!, item)
    b.closeList()
  }
  return b.finish()
}

/** A list whose items only Node can write (masked): made as strings, then masked as viewRecord does. */
const fillMaskedList =
  (c: ExportColumn): Fill =>
  (page, field) => {
    const b = new ListBuilder(page.rows)
    const { bytes, starts, ends, fields } = page
    for (let r = 0, f = field; r < page.rows; r++, f += fields) {
      const items: string[] = []
      if (starts[f]! >= 0)
        arrayItems(bytes, starts[f]!, ends[f]!, (s, e) =>
          items.push(s < 0 ? 'null' : bytes.toString('utf8', s, e)),
        )
      const list = readTextList(c, maskValue(c.name, items))
      if (list === null) b.appendNull()
      else {
        for (const x of list) b.items.append(x)
        b.closeList()
      }
    }
    return b.finish()
  }

const fillFloat =
  (c: ExportColumn): Fill =>
  (page, field) => {
    const b = new FloatBuilder(page.rows)
    for (let r = 0, f = field; r < page.rows; r++, f += page.fields) {
      const value = decode(page, f)
      b.append(value === null ? null : readFloat(c, Number(value)))
    }
    return b.finish()
  }

const fillFlag: Fill = (page, field) => {
  const b = new BooleanBuilder(page.rows)
  for (let r = 0, f = field; r < page.rows; r++, f += page.fields)
    b.append(
      page.starts[f]! >= 0 && page.ends[f]! - page.starts[f]! === 1 && page.bytes[page.starts[f]!] === 116,
    ) // t
  return b.finish()
}

export interface CopyPlan {
  /** the SELECT for COPY, its values written in */
  sql: string
  /** how many fields a row has */
  fields: number
  /** per export column: the field it starts at, and what fills it */
  columns: { field: number; fill: Fill }[]
}

/**
 * How a client's export of a register reads through COPY, or null where some column has no COPY form
 * (then the export reads records, as on the embedded database).
 */
export function copyPlan(
  client: Client,
  entity: EntityType,
  columns: readonly ExportColumn[],
): CopyPlan | null {
  const params: unknown[] = []
  const scope = rowsCondition(client, entity, 't', params)
  if (scope === 'false') return null
  const exprs: string[] = []
  const plan: CopyPlan['columns'] = []
  const add = (fill: Fill, ...sql: string[]) => {
    plan.push({ field: exprs.length, fill })
    exprs.push(...sql)
  }
  for (const c of columns) {
    const field = FIELDS[entity][c.name]
    if (!field) return null
    const view = fieldView(client, entity, c.name)
    // only text and lists have masked forms (MASKABLE_FIELDS); a reference or an address is whole or hidden
    if (view === 'masked' && field.kind !== 'text' && field.kind !== 'list') return null
    switch (field.kind) {
      case 'text':
        add(view === 'masked' ? fillMade((s) => readText(c, maskValue(c.name, s))) : fillText, field.sql)
        break
      case 'place':
        add(fillPlace(field.sql.length > 1), ...field.sql)
        break
      case 'list':
        add(view === 'masked' ? fillMaskedList(c) : fillList, field.sql)
        break
      case 'float':
        add(fillFloat(c), field.sql)
        break
      case 'flag':
        add(fillFlag, field.sql)
        break
      case 'reference':
        add(fillText, referenceSql(client, field, params))
        break
    }
  }
  const reg = REGISTERS[entity]
  const sql = `select ${exprs.join(', ')} from ${reg.from} where ${scope} order by t.id`
  return { sql: inlineParams(sql, params), fields: exprs.length, columns: plan }
}

/** A page of COPY text as the export's columns. */
export const copyColumns = (plan: CopyPlan, page: CopyTextPage): ColumnPage => ({
  kind: 'columns',
  length: page.rows,
  vectors: plan.columns.map((c) => c.fill(page, c.field)),
})
