import { z } from 'zod'
import {
  HouseRecordSchema,
  PersonRecordSchema,
  RelationSchema,
  SourceLinkSchema,
  UnitRecordSchema,
} from '../../../../schemas/registers.ts'

/** Golden ids: P/H/U and a ULID (the hub's own, stable across re-matches). */
const goldenId = (prefix: 'P' | 'H' | 'U') =>
  z.string().regex(new RegExp(`^${prefix}[0-9A-HJKMNP-TV-Z]{26}$`), `a golden id (${prefix}…)`)

export const PersonParams = z.object({ id: goldenId('P') })
export const HouseParams = z.object({ id: goldenId('H') })
export const UnitParams = z.object({ id: goldenId('U') })
export const GridParams = z.object({ code: z.string().min(1).max(64) })

const Include = z
  .string()
  .regex(/^(sources|relations)(,(sources|relations))?$/, 'sources, relations or both, comma-separated')
  .optional()
export const DetailQuery = z.object({ include: Include })

const Page = {
  limit: z.number().int().min(1).max(500).default(20),
  /** the `next` of the previous page */
  after: z.string().min(1).max(40).optional(),
  include: Include,
}
const Near = {
  /** lng,lat in WGS 84 */
  near: z
    .string()
    .regex(/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/, 'lng,lat in degrees, e.g. 118.79,32.02')
    .optional(),
  radius: z.number().min(1).max(20_000).default(500),
}

export const PersonQuery = z.object({
  id_number: z.string().min(1).max(40).optional(),
  name: z.string().min(1).max(60).optional(),
  match: z.enum(['exact', 'pinyin', 'fuzzy']).default('exact'),
  phone: z.string().min(1).max(40).optional(),
  address: z.string().min(1).max(200).optional(),
  ...Near,
  ...Page,
})
export const HouseQuery = z.object({
  address: z.string().min(1).max(200).optional(),
  ...Near,
  ...Page,
})
export const UnitQuery = z.object({
  credit_code: z.string().min(1).max(40).optional(),
  name: z.string().min(1).max(100).optional(),
  match: z.enum(['exact', 'fuzzy']).default('exact'),
  address: z.string().min(1).max(200).optional(),
  ...Near,
  ...Page,
})
export const GridListQuery = z.object({
  ...Page,
  /** by: the grid each record was assigned to (default), or lying within the grid's polygon */
  by: z.enum(['assignment', 'polygon']).default('assignment'),
})

const extras = {
  sources: z.array(SourceLinkSchema).optional(),
  relations: z.array(RelationSchema).optional(),
}
/** What a client receives: every field may be hidden by its scope, except the id. */
const served = <T extends z.ZodRawShape>(schema: z.ZodObject<T>) =>
  schema
    .partial()
    .required({ id: true } as never)
    .extend(extras)

export const PersonView = served(PersonRecordSchema)
export const HouseView = served(HouseRecordSchema)
export const UnitView = served(UnitRecordSchema)

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next: z.string().nullable() })
export const PersonList = list(PersonView)
export const HouseList = list(HouseView)
export const UnitList = list(UnitView)

export const GridView = z.object({
  code: z.string(),
  name: z.string().nullable(),
  communityCode: z.string().nullable(),
  workers: z.array(z.string()),
  polygon: z.unknown().nullable(),
})
export const GridList = list(GridView)
