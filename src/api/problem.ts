import type { FastifyError } from 'fastify'
import { type ErrorCode, ErrorCodes, isSanshiError } from '../errors.ts'

/** RFC 9457 problem details, with the hub's stable code and, for an upload, where in the file. */
export interface Problem {
  type: string
  title: string
  status: number
  code: ErrorCode
  detail: string
  instance: string
  file?: string
  row?: number
  column?: string
  hint?: string
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** Fastify's and its plugins' own errors, by their code, mapped onto ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_VALIDATION: 'SANSHI101',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SANSHI103',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'SANSHI103',
  FST_ERR_CTP_BODY_TOO_LARGE: 'SANSHI206',
  FST_REQ_FILE_TOO_LARGE: 'SANSHI206',
  FST_FILES_LIMIT: 'SANSHI101',
  FST_PARTS_LIMIT: 'SANSHI101',
  FST_FIELDS_LIMIT: 'SANSHI101',
}

const problemType = (code: ErrorCode): string => `urn:sanshi:error:${code}`

const build = (
  code: ErrorCode,
  detail: string,
  instance: string,
  status: number = ErrorCodes[code].status,
): Problem => ({
  type: problemType(code),
  title: ErrorCodes[code].title,
  status,
  code,
  detail,
  instance,
})

/**
 * Turns anything thrown into the answer a client sees. Our own errors carry their code and location;
 * a fastify error keeps its 4xx status under the nearest code; anything else is a bug, answered
 * without its message (which could hold data) and logged in full by the caller.
 */
export const toProblem = (error: unknown, instance: string): Problem => {
  if (isSanshiError(error)) {
    const p = build(error.code, error.message, instance)
    if (error.location.file !== undefined) p.file = error.location.file
    if (error.location.row !== undefined) p.row = error.location.row
    if (error.location.column !== undefined) p.column = error.location.column
    if (error.hint) p.hint = error.hint
    return p
  }
  const fe = error as Partial<FastifyError>
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined
  if (mapped) return build(mapped, fe.message ?? ErrorCodes[mapped].title, instance)
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return build('SANSHI101', fe.message ?? 'invalid request', instance, fe.statusCode)
  return build(
    'SANSHI599',
    'the server failed to answer; the request id in the log tells an operator why',
    instance,
  )
}

export const notFoundProblem = (method: string, path: string): Problem =>
  build('SANSHI404', `no route ${method} ${path}`, path)
