import type { FastifyInstance } from 'fastify'
import { SanshiError } from '../../../errors.ts'
import {
  addressKeys,
  byIdNumber,
  byName,
  byPhone,
  type Condition,
  personsAt,
} from '../../registers/lookups.ts'
import { houseNear, parsePoint } from '../../registers/spatial.ts'
import { jsonSchema } from '../../schema.ts'
import { answerList, answerOne } from './answer.ts'
import { DetailQuery, PersonList, PersonParams, PersonQuery, PersonView } from './schemas.ts'

/** Exactly one way to look someone up per request: a page mixing two searches would answer neither. */
export const oneSelector = (q: Record<string, unknown>, selectors: readonly string[]): string => {
  const given = selectors.filter((s) => q[s] !== undefined)
  if (given.length !== 1)
    throw new SanshiError('SANSHI101', `give exactly one of ${selectors.join(', ')} (got ${given.length})`)
  return given[0]!
}

const PERSON_SELECTORS = ['id_number', 'name', 'phone', 'address', 'near'] as const

export const personRoutes = async (app: FastifyInstance, opts: { district: string }): Promise<void> => {
  app.get(
    '/persons',
    {
      schema: {
        tags: ['persons'],
        summary: '实有人口: look persons up by resident id, name, phone, address or place',
        description:
          'Exactly one of id_number (18 or 15 digits, x or X), name (match=exact|pinyin|fuzzy), phone, address (any spelling; without a room, every room of the building), near=lng,lat with radius in metres. Only persons in your scope are found; fields are masked or hidden as your scope says. Each person served is written to the access log with X-Purpose.',
        querystring: jsonSchema(PersonQuery),
        response: { 200: jsonSchema(PersonList, 'output') },
      },
    },
    async (request) => {
      const q = PersonQuery.parse(request.query)
      const by = oneSelector(q, PERSON_SELECTORS)
      let cond: Condition
      if (by === 'id_number') cond = byIdNumber(q.id_number!)
      else if (by === 'name') cond = byName(q.name!, q.match, app.db.capabilities.trgm)
      else if (by === 'phone') cond = byPhone(q.phone!)
      else if (by === 'address') cond = personsAt(await addressKeys(app.db, q.address!, opts.district))
      else {
        const near = houseNear('hn', parsePoint(q.near!), q.radius, app.db.capabilities.postgis, 0)
        cond = {
          where: `t.house_id in (select hn.id from houses hn where ${near.where})`,
          params: near.params,
        }
      }
      return answerList(app, request, 'person', cond, q)
    },
  )

  app.get(
    '/persons/:id',
    {
      schema: {
        tags: ['persons'],
        summary: 'One person by golden id, optionally with sources and relations',
        description:
          'A merged-away id answers with the person it was merged into (its id differs). 404 when the person does not exist or is outside your scope: the two are not told apart.',
        params: jsonSchema(PersonParams),
        querystring: jsonSchema(DetailQuery),
        response: { 200: jsonSchema(PersonView, 'output') },
      },
    },
    async (request) => {
      const { id } = PersonParams.parse(request.params)
      const { include } = DetailQuery.parse(request.query)
      return answerOne(app, request, 'person', id, include)
    },
  )
}
