import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { shared } from '../shared.ts'

/**
 * OpenAPI from the routes' own schemas, at /docs (JSON at /docs/json). A multipart body is not
 * validated by a schema (the file is streamed, never parsed into one), so a route describes it in
 * `config.openapiBody` and it is added to the document only.
 */
export const swaggerPlugin = shared('sanshi-swagger', async (app: FastifyInstance) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sanshi',
        description:
          'One master-data hub for 实有人口, 实有房屋, 实有单位. Errors are application/problem+json.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: ({ schema, url, route }) => {
      const body = (route.config as { openapiBody?: Record<string, unknown> } | undefined)?.openapiBody
      if (!body) return { schema, url }
      return { schema: { ...schema, consumes: ['multipart/form-data'], body }, url }
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
})
