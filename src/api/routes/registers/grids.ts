import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EntityType } from '../../../../schemas/mentions.ts'
import { SanshiError } from '../../../errors.ts'
import { clientOf } from '../../plugins/app/auth.ts'
import { type Client, gridVisible } from '../../policy/index.ts'
import { housesInGrid } from '../../registers/spatial.ts'
import { jsonSchema } from '../../schema.ts'
import { answerList } from './answer.ts'
import { GridList, GridListQuery, GridParams, GridView, HouseList, PersonList, UnitList } from './schemas.ts'

interface GridRow {
  code: string
  name: string | null
  community_code: string | null
  workers: string[]
  polygon: unknown
}

const ENTITIES: EntityType[] = ['person', 'house', 'unit']

const gridView = (g: GridRow) => ({
  code: g.code,
  name: g.name,
  communityCode: g.community_code,
  workers: g.workers ?? [],
  polygon: g.polygon ?? null,
})

/** The grid, if it exists and the client sees it for this type (else 404: a grid's existence is not told). */
async function visibleGrid(
  app: FastifyInstance,
  client: Client,
  entities: readonly EntityType[],
  code: string,
): Promise<GridRow> {
  const [g] = await app.db.query<GridRow>(
    'select code, name, community_code, workers, polygon from grids where code = $1',
    [code],
  )
  const facts = g && { code: g.code, communityCode: g.community_code }
  if (!g || !entities.some((e) => gridVisible(client, e, facts!)))
    throw new SanshiError('SANSHI404', `no grid ${code}`)
  return g
}

export const gridRoutes = async (app: FastifyInstance): Promise<void> => {
  app.get(
    '/grids',
    {
      schema: {
        tags: ['grids'],
        summary: 'The grids you serve (all grids for a client not limited to grids)',
        querystring: jsonSchema(GridListQuery.pick({ limit: true, after: true })),
        response: { 200: jsonSchema(GridList, 'output') },
      },
    },
    async (request) => {
      const client = clientOf(request)
      const q = GridListQuery.pick({ limit: true, after: true }).parse(request.query)
      const items: ReturnType<typeof gridView>[] = []
      let after = q.after ?? ''
      // visibility is the policy's, per grid; pages of the table are read until one of ours is full
      for (;;) {
        const rows = await app.db.query<GridRow>(
          'select code, name, community_code, workers, polygon from grids where code > $1 order by code limit $2',
          [after, q.limit + 1],
        )
        for (const g of rows) {
          const facts = { code: g.code, communityCode: g.community_code }
          if (ENTITIES.some((e) => gridVisible(client, e, facts))) items.push(gridView(g))
        }
        if (rows.length <= q.limit || items.length > q.limit) break
        after = rows[rows.length - 1]!.code
      }
      const page = items.slice(0, q.limit)
      return { items: page, next: items.length > q.limit ? page[page.length - 1]!.code : null }
    },
  )

  app.get(
    '/grids/:code',
    {
      schema: {
        tags: ['grids'],
        summary: 'One grid: name, community, assigned workers, polygon',
        params: jsonSchema(GridParams),
        response: { 200: jsonSchema(GridView, 'output') },
      },
    },
    async (request) => {
      const { code } = GridParams.parse(request.params)
      return gridView(await visibleGrid(app, clientOf(request), ENTITIES, code))
    },
  )

  const members = (entity: EntityType, path: string, list: typeof PersonList) =>
    app.get(
      `/grids/:code/${path}`,
      {
        schema: {
          tags: ['grids'],
          summary: `A grid's ${path}, a page at a time (keyset: pass next as after)`,
          description:
            'by=assignment (default): the records the hub assigned to the grid (from its building or compound, its polygon, or the grid workers’ visits); persons and units follow their house. by=polygon: the records whose house lies within the grid’s polygon (PostGIS ST_Contains; on the embedded database a bounding box, then point in polygon).',
          params: jsonSchema(GridParams),
          querystring: jsonSchema(GridListQuery),
          response: { 200: jsonSchema(list, 'output') },
        },
      },
      async (request: FastifyRequest) => {
        const { code } = GridParams.parse(request.params)
        const q = GridListQuery.parse(request.query)
        await visibleGrid(app, clientOf(request), [entity], code)
        if (q.by === 'assignment')
          return answerList(app, request, entity, { where: 't.grid_code = $1', params: [code] }, q)
        const houses = await housesInGrid(app.db, entity === 'house' ? 't' : 'hg', code)
        const cond =
          entity === 'house'
            ? houses
            : {
                where: `t.house_id in (select hg.id from houses hg where ${houses.where})`,
                params: houses.params,
              }
        return answerList(app, request, entity, cond, q)
      },
    )
  members('person', 'persons', PersonList)
  members('house', 'houses', HouseList as unknown as typeof PersonList)
  members('unit', 'units', UnitList as unknown as typeof PersonList)
}
