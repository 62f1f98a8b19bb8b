import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { FastifyRequest } from 'fastify'
import { SanshiError } from '../../errors.ts'

export interface ReceivedUpload {
  /** the file on disk, under the clerk's own file name (the ingest reads the source from it) */
  path: string
  fileName: string
  fields: Readonly<Record<string, string>>
  dispose(): Promise<void>
}

const FIELDS = new Set(['source'])

/** The clerk's file name without any path, control or reserved characters; never empty. */
export const safeFileName = (name: string | undefined): string => {
  const base = basename((name ?? '').replace(/\\/g, '/'))
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .slice(-120)
  return base && base !== '.' && base !== '..' ? base : 'upload'
}

/**
 * Streams the multipart upload's one file to a private temp folder, never holding it in memory, and
 * collects the short fields that came with it (in whatever order). Too large → 413, nothing kept.
 */
export const receiveUpload = async (
  request: FastifyRequest,
  maxUploadBytes: number,
): Promise<ReceivedUpload> => {
  if (!request.isMultipart())
    throw new SanshiError('SANSHI103', 'send the file as multipart/form-data, in a part named file')
  const dir = await mkdtemp(join(tmpdir(), 'sanshi-upload-'))
  const dispose = () => rm(dir, { recursive: true, force: true })
  const fields: Record<string, string> = {}
  let path: string | null = null
  let fileName = 'upload'
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (FIELDS.has(part.fieldname) && typeof part.value === 'string')
          fields[part.fieldname] = part.value.trim()
        continue
      }
      if (part.fieldname !== 'file' || path !== null) {
        part.file.resume() // drain what we will not keep, so the parser moves on
        throw new SanshiError('SANSHI101', 'send exactly one file, in a part named file')
      }
      fileName = safeFileName(part.filename)
      path = join(dir, fileName)
      try {
        await pipeline(part.file, createWriteStream(path, { flags: 'wx' }))
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' || part.file.truncated)
          throw new SanshiError(
            'SANSHI206',
            `the upload is larger than ${Math.round(maxUploadBytes / 1024 / 1024)} MB`,
            { file: fileName },
          )
        throw e
      }
    }
    if (path === null) throw new SanshiError('SANSHI101', 'no file: send it in a multipart part named file')
    return { path, fileName, fields, dispose }
  } catch (e) {
    await dispose()
    throw e
  }
}
