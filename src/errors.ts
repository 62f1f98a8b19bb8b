/**
 * One registry of the hub's error codes, grouped by stage as PostgREST does (1xx request, 2xx ingest,
 * 3xx matching and stewardship, 4xx access, 5xx storage). docs/errors.md lists them; a retired code is
 * never reused. Messages never carry a resident id or a phone number.
 */
export const ErrorCodes = {
  SANSHI101: { status: 400, title: 'Invalid request' },
  SANSHI102: { status: 400, title: 'Invalid configuration' },
  SANSHI103: { status: 415, title: 'Unsupported media type' },
  SANSHI104: { status: 429, title: 'Too many requests' },
  SANSHI201: { status: 422, title: 'File not readable' },
  SANSHI202: { status: 422, title: 'File is empty' },
  SANSHI203: { status: 422, title: 'No recognisable header' },
  SANSHI204: { status: 422, title: 'Source not recognised' },
  SANSHI205: { status: 422, title: 'Malformed CSV' },
  SANSHI206: { status: 413, title: 'File or line too large' },
  SANSHI207: { status: 422, title: 'Spreadsheet refused' },
  SANSHI208: { status: 422, title: 'Batch refused: too many bad rows' },
  SANSHI209: { status: 422, title: 'Invalid mapping file' },
  SANSHI210: { status: 422, title: 'Encoding not recognised' },
  SANSHI211: { status: 408, title: 'Reading the file took too long' },
  SANSHI212: { status: 422, title: 'Grid file refused' },
  SANSHI301: { status: 409, title: 'Record already merged' },
  SANSHI302: { status: 422, title: 'Ground truth file refused' },
  SANSHI401: { status: 403, title: 'Outside your scope' },
  SANSHI402: { status: 401, title: 'Missing or unknown key' },
  SANSHI404: { status: 404, title: 'Not found' },
  SANSHI501: { status: 503, title: 'Database unavailable' },
  SANSHI502: { status: 500, title: 'Migration failed' },
  SANSHI503: { status: 503, title: 'Not ready' },
  SANSHI599: { status: 500, title: 'Internal error' },
} as const

export type ErrorCode = keyof typeof ErrorCodes

/** Where in an uploaded file a problem sits, so the clerk can find it. */
export interface FileLocation {
  file?: string
  row?: number // 1-based, as a spreadsheet shows it
  column?: string // header text, or a column letter/number where no header is known
}

export class SanshiError extends Error {
  readonly code: ErrorCode
  readonly location: FileLocation
  readonly hint: string | undefined

  constructor(code: ErrorCode, message: string, location: FileLocation = {}, hint?: string) {
    super(message)
    this.name = 'SanshiError'
    this.code = code
    this.location = location
    this.hint = hint
  }

  get status(): number {
    return ErrorCodes[this.code].status
  }

  /** "police.hukou.csv, row 12, column 出生日期: …" — what the CLI prints. */
  describe(): string {
    const where = [
      this.location.file,
      this.location.row !== undefined ? `row ${this.location.row}` : undefined,
      this.location.column !== undefined ? `column ${this.location.column}` : undefined,
    ].filter(Boolean)
    const text = where.length > 0 ? `${where.join(', ')}: ${this.message}` : this.message
    return `${this.code} ${text}${this.hint ? ` (${this.hint})` : ''}`
  }
}

export const isSanshiError = (e: unknown): e is SanshiError => e instanceof SanshiError
