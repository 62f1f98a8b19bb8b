import { z } from 'zod'
import { HouseParams, HouseView, PersonParams, PersonView } from '../routes/registers/schemas.ts'

/** Typed on a phone on the doorstep: one line, no control characters, surrounding spaces dropped. */
const typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'one line of text')

export const VisitBody = z
  .object({
    name: typed(60).optional(),
    /** 18 or 15 digits (x or X); on a lookup a wrong check digit still searches, a confirm refuses it */
    idNumber: typed(40).optional(),
    phone: typed(40).optional(),
    /** any spelling the address parser reads: 秦淮区贡院街12号3栋2单元301室, 贡院街12-3-2-301 … */
    address: typed(200).optional(),
    /** the grid the worker serves (网格编码); a client limited to grids must name one of its own */
    gridCode: z
      .string()
      .regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$/, 'a grid code such as 320104001007-01')
      .optional(),
    /** 走访日期, YYYY-MM-DD; default today in China Standard Time */
    visitedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
      .optional(),
    category: z.enum(['户籍', '流动', '境外']).optional(),
    /** false (default): look up only; true: write the visit as a grid.visit record and resolve it */
    confirm: z.boolean().default(false),
    /** on a confirm, the person the worker picked from the candidates */
    personId: PersonParams.shape.id.optional(),
    /** on a confirm, the house the worker picked from the candidates */
    houseId: HouseParams.shape.id.optional(),
  })
  .strict()
export type VisitBody = z.infer<typeof VisitBody>

/** What the body said about the person and the house: at least one of these makes a visit. */
export const DOORSTEP_FIELDS = ['name', 'idNumber', 'phone', 'address'] as const

export const MatchedOn = z.enum(['idNumber', 'phone', 'name', 'address', 'person'])
export type MatchedOn = z.infer<typeof MatchedOn>

const confidence = z.number().min(0).max(1)

export const VisitLookup = z.object({
  /** most likely first, at most 5, each as your scope shows it */
  persons: z.array(z.object({ confidence, matchedOn: z.array(MatchedOn), person: PersonView })),
  houses: z.array(z.object({ confidence, matchedOn: z.array(MatchedOn), house: HouseView })),
  /** the person model the confidences come from (the matcher's active one) */
  model: z.string().nullable(),
})
export type VisitLookup = z.infer<typeof VisitLookup>

export const VisitConfirmed = z.object({
  batchId: z.string(),
  /** the golden records the visit resolved to; null outside your scope */
  personId: z.string().nullable(),
  houseId: z.string().nullable(),
  /** the hub learnt something from this visit (within your scope) */
  collectedNew: z.boolean(),
  /** person / house (a new record), or person.phones, house.gridCode … (a field that changed) */
  newFields: z.array(z.string()),
  /** whether the visit resolved to the person and house picked; null when none was picked */
  asPicked: z.boolean().nullable(),
})
export type VisitConfirmed = z.infer<typeof VisitConfirmed>
