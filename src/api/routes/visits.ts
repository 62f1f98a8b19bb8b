import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SanshiError } from '../../errors.ts'
import { loadSettings } from '../../match/settings.ts'
import { clientOf } from '../plugins/app/auth.ts'
import { can, type Client } from '../policy/index.ts'
import { viewRecords } from '../registers/read.ts'
import { accessLogOf } from '../repositories/access-log-batcher.ts'
import { jsonSchema } from '../schema.ts'
import { oneAtATime } from '../uploads/one-at-a-time.ts'
import { confirmVisit } from '../visits/confirm.ts'
import { lookupVisit } from '../visits/lookup.ts'
import { DOORSTEP_FIELDS, VisitBody, VisitConfirmed, VisitLookup } from '../visits/schemas.ts'
import { purposeOf } from './registers/answer.ts'

/** Every person a visit answer names is in the access log before the answer leaves. */
async function logPersons(
  app: FastifyInstance,
  request: FastifyRequest,
  client: Client,
  ids: readonly string[],
): Promise<void> {
  const read = can(client, 'read', { entity: 'person' })
  if (ids.length === 0 || !read.allowed) return
  await accessLogOf(app.db).write({
    clientId: client.id,
    scope: read.scope,
    entityType: 'person',
    recordIds: ids,
    reason: `${request.method} ${request.routeOptions.url ?? ''}`,
    purpose: purposeOf(request),
    requestId: request.id,
  })
}

export const visitRoutes = async (app: FastifyInstance, opts: { district: string }): Promise<void> => {
  const settings = loadSettings()
  // one confirm at a time: each ends in a match run, and two runs must not write over each other
  const queue = oneAtATime()
  app.post(
    '/visits',
    {
      schema: {
        tags: ['visits'],
        summary: 'Look up before you collect: who the doorstep input is; confirm writes the visit',
        description:
          'What a grid worker typed on the doorstep (any of name, idNumber, phone, address). Without confirm: the likely persons and house in your scope, most likely first (at most 5), each with the confidence the matcher’s active person model gives the input joining it and what agreed; persons as your scope shows them, each written to the access log. With confirm: true (a client that uploads grid.visit; a client limited to grids names one of its own in gridCode): the visit is written as a one-row grid.visit batch and resolved at once; 201 with the golden person and house it joined (null outside your scope) and whether the hub learnt anything new. A value the ingest cannot take whole refuses the confirm (400, naming the field) and nothing is written.',
        body: jsonSchema(VisitBody),
        response: { 200: jsonSchema(VisitLookup, 'output'), 201: jsonSchema(VisitConfirmed, 'output') },
      },
    },
    async (request, reply) => {
      const client = clientOf(request)
      const body = VisitBody.parse(request.body)
      if (DOORSTEP_FIELDS.every((f) => body[f] === undefined) && !(body.confirm && body.personId))
        throw new SanshiError('SANSHI101', `give at least one of ${DOORSTEP_FIELDS.join(', ')}`)
      const ingest = { ...app.ingest, defaultDistrict: opts.district }

      if (body.confirm) {
        const out = await confirmVisit(app.db, client, body, {
          ingest,
          district: opts.district,
          settings,
          queue,
        })
        await logPersons(app, request, client, out.personId ? [out.personId] : [])
        request.log.info({ batchId: out.batchId, collectedNew: out.collectedNew }, 'visit confirmed')
        reply.code(201)
        return out
      }

      if (
        !can(client, 'read', { entity: 'person' }).allowed &&
        !can(client, 'read', { entity: 'house' }).allowed
      )
        throw new SanshiError('SANSHI401', `client ${client.id} reads neither persons nor houses`)
      const found = await lookupVisit(app.db, client, body, {
        mappings: ingest.mappings,
        district: opts.district,
        settings: settings.person,
        trgm: app.db.capabilities.trgm,
      })
      const persons = await viewRecords(
        app.db,
        client,
        'person',
        found.persons.map((c) => c.record),
      )
      const houses = await viewRecords(
        app.db,
        client,
        'house',
        found.houses.map((c) => c.record),
      )
      await logPersons(
        app,
        request,
        client,
        persons.map((p) => p.id),
      )
      return {
        persons: found.persons.map((c, i) => ({
          confidence: c.confidence,
          matchedOn: c.matchedOn,
          person: persons[i]!,
        })),
        houses: found.houses.map((c, i) => ({
          confidence: c.confidence,
          matchedOn: c.matchedOn,
          house: houses[i]!,
        })),
        model: found.model,
      }
    },
  )
}
