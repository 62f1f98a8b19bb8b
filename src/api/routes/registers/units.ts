import type { FastifyInstance } from 'fastify'
import { addressKeys, byCreditCode, byUnitName, type Condition, housesAt } from '../../registers/lookups.ts'
import { houseNear, parsePoint } from '../../registers/spatial.ts'
import { jsonSchema } from '../../schema.ts'
import { answerList, answerOne } from './answer.ts'
import { oneSelector } from './persons.ts'
import { DetailQuery, UnitList, UnitParams, UnitQuery, UnitView } from './schemas.ts'

export const unitRoutes = async (app: FastifyInstance, opts: { district: string }): Promise<void> => {
  app.get(
    '/units',
    {
      schema: {
        tags: ['units'],
        summary: '实有单位: units by credit code, registered or sign name, premises address, or place',
        description:
          'Exactly one of credit_code (unified social credit code or old registration number), name (registered name or 店招名称; match=exact|fuzzy), address (the premises), near=lng,lat with radius. include=relations lists its premises and people as your scope allows.',
        querystring: jsonSchema(UnitQuery),
        response: { 200: jsonSchema(UnitList, 'output') },
      },
    },
    async (request) => {
      const q = UnitQuery.parse(request.query)
      const by = oneSelector(q, ['credit_code', 'name', 'address', 'near'])
      let cond: Condition
      if (by === 'credit_code') cond = byCreditCode(q.credit_code!)
      else if (by === 'name') cond = byUnitName(q.name!, q.match, app.db.capabilities.trgm)
      else {
        const houses =
          by === 'address'
            ? housesAt(await addressKeys(app.db, q.address!, opts.district), 'hk')
            : houseNear('hk', parsePoint(q.near!), q.radius, app.db.capabilities.postgis, 0)
        cond = {
          where: `t.house_id in (select hk.id from houses hk where ${houses.where})
                  or t.id in (select uh.unit_id from unit_houses uh join houses hk on hk.id = uh.house_id
                               where ${houses.where})`,
          params: houses.params,
        }
      }
      return answerList(app, request, 'unit', cond, q)
    },
  )

  app.get(
    '/units/:id',
    {
      schema: {
        tags: ['units'],
        summary: 'One unit by golden id, optionally with sources and relations (premises, legal rep, staff)',
        params: jsonSchema(UnitParams),
        querystring: jsonSchema(DetailQuery),
        response: { 200: jsonSchema(UnitView, 'output') },
      },
    },
    async (request) => {
      const { id } = UnitParams.parse(request.params)
      const { include } = DetailQuery.parse(request.query)
      return answerOne(app, request, 'unit', id, include)
    },
  )
}
