import type { FastifyInstance } from 'fastify'
import { addressKeys, type Condition, housesAt } from '../../registers/lookups.ts'
import { houseNear, parsePoint } from '../../registers/spatial.ts'
import { jsonSchema } from '../../schema.ts'
import { answerList, answerOne } from './answer.ts'
import { oneSelector } from './persons.ts'
import { DetailQuery, HouseList, HouseParams, HouseQuery, HouseView } from './schemas.ts'

export const houseRoutes = async (app: FastifyInstance, opts: { district: string }): Promise<void> => {
  app.get(
    '/houses',
    {
      schema: {
        tags: ['houses'],
        summary: '实有房屋: houses by address (any spelling) or near a point',
        description:
          'Exactly one of address (秦淮区贡院街12号3栋2单元301室, 贡院街12-3-2-301, 华侨小区1栋301 … resolve alike; without a room, every house of the building) or near=lng,lat with radius in metres. include=relations lists who lives there and which unit occupies it, as your scope allows.',
        querystring: jsonSchema(HouseQuery),
        response: { 200: jsonSchema(HouseList, 'output') },
      },
    },
    async (request) => {
      const q = HouseQuery.parse(request.query)
      const by = oneSelector(q, ['address', 'near'])
      const cond: Condition =
        by === 'address'
          ? housesAt(await addressKeys(app.db, q.address!, opts.district))
          : houseNear('t', parsePoint(q.near!), q.radius, app.db.capabilities.postgis, 0)
      return answerList(app, request, 'house', cond, q)
    },
  )

  app.get(
    '/houses/:id',
    {
      schema: {
        tags: ['houses'],
        summary: 'One house by golden id, optionally with sources and relations (who lives there)',
        params: jsonSchema(HouseParams),
        querystring: jsonSchema(DetailQuery),
        response: { 200: jsonSchema(HouseView, 'output') },
      },
    },
    async (request) => {
      const { id } = HouseParams.parse(request.params)
      const { include } = DetailQuery.parse(request.query)
      return answerOne(app, request, 'house', id, include)
    },
  )
}
