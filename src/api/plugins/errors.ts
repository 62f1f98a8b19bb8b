import type { FastifyInstance } from 'fastify'
import { notFoundProblem, PROBLEM_CONTENT_TYPE, toProblem } from '../problem.ts'
import { shared } from './shared.ts'

/** The one error handler: every refusal, anywhere, leaves as application/problem+json. */
export const errorsPlugin = shared('sanshi-errors', async (app: FastifyInstance) => {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request.url.split('?')[0] ?? request.url)
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
    else request.log.info({ code: problem.code, status: problem.status }, 'request refused')
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem)
  })
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(notFoundProblem(request.method, path))
  })
})
