import type { LoggerOptions } from 'pino'

/*
 * What the server writes to its log. A resident id or a phone number must never reach a log line:
 * requests are logged by path only (a query string may one day carry ?id_number=), the key is never
 * logged, and error text is scrubbed of long digit runs before it is written.
 */

const LONG_DIGITS = /\d{7,}[\dXx]?/g

/** 320102198001011234 → [redacted]; also catches phones and 15-digit ids. */
export const scrub = (text: string): string => text.replace(LONG_DIGITS, '[redacted]')

interface LoggedRequest {
  method: string
  url: string
  id: string
}

export const loggerOptions = (level: string): LoggerOptions => ({
  level,
  // @fastify/multipart logs the request headers at trace level as busboyOptions: the key must not follow
  redact: {
    paths: [
      'headers.authorization',
      '*.headers.authorization',
      'req.headers.authorization',
      'busboyOptions.headers.authorization',
    ],
    censor: '[redacted]',
  },
  serializers: {
    req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
    err: (err: Error & { code?: string }) => ({
      type: err.name,
      code: err.code,
      message: scrub(err.message),
      stack: scrub(err.stack ?? ''),
    }),
  },
})
