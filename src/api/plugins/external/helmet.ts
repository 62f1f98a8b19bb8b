import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import { shared } from '../shared.ts'

/*
 * Security headers on every answer: helmet's defaults with two changes.
 *  - No `upgrade-insecure-requests`: the hub is often served over plain HTTP inside an office network
 *    (http://10.x.x.x:3000), where that directive sends the browser to https for /docs' own scripts and
 *    styles, and the page stays blank.
 *  - HSTS without includeSubDomains: a header from one intranet host must not decide for its siblings.
 * The OpenAPI page at /docs needs nothing more: Swagger UI's scripts and styles are same-origin files,
 * its inline styles are allowed by helmet's style-src, its icons are data: images.
 */
const OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
}

/**
 * The headers helmet sets with these options, worked out once: none depends on the request.
 * @fastify/helmet builds a helmet middleware on every request instead: in one run it halved a bare
 * fastify answer's throughput (40k → 20k answers/s; 29k with the headers set once), and the lookup
 * route is measured against a bare route.
 */
export const securityHeaders = (): Readonly<Record<string, string>> => {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  }
  helmet(OPTIONS)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
  })
  return Object.freeze(headers)
}

export const helmetPlugin = shared('sanshi-helmet', async (app: FastifyInstance) => {
  const headers = securityHeaders()
  // onRequest at the root: every answer gets them, a refusal, a 404 and /docs included
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
})
