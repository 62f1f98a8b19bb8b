/**
 * Messages between a spreadsheet worker and the main thread, and the worker-side half of the flow
 * control: the worker posts rows in batches and stops between input chunks when it has used up the
 * batches the main thread asked for, so a slow consumer never makes the rows pile up in memory.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { ErrorCode, FileLocation } from '../../errors.ts'
import { SanshiError } from '../../errors.ts'
import type { RawRow, ReadLimits } from './types.ts'

export const BATCH_ROWS = 1000
/** Batches the main thread grants when reading starts; one more is granted per batch consumed. */
export const INITIAL_CREDIT = 8

export interface WorkerJob {
  /** URL of the TypeScript worker module the bootstrap imports. */
  entry: string
  path: string
  file: string
  sheet?: string | number
  limits: ReadLimits
}

export type FromWorker =
  | { type: 'meta'; sheet: string }
  | { type: 'rows'; rows: RawRow[] }
  | { type: 'done' }
  | { type: 'error'; code: ErrorCode; message: string; location: FileLocation; hint?: string }

export type ToWorker = { type: 'start'; credit: number } | { type: 'credit'; credit: number }

export interface RowSink {
  job: WorkerJob
  sendMeta(sheet: string): void
  /** Resolves when the main thread asks for rows. */
  started(): Promise<void>
  push(row: RawRow): void
  /** Posts full batches, then waits while no credit is left. Call between input chunks. */
  drain(): Promise<void>
}

/** Runs `produce` in the worker, turning any failure into an error message the main thread understands. */
export function runRowWorker(produce: (sink: RowSink) => Promise<void>, describeUnknown: string): void {
  const port = parentPort
  if (!port) throw new Error('must run in a worker thread')
  const job = workerData as WorkerJob
  let credit = 0
  let batch: RawRow[] = []
  let onStart: (() => void) | undefined
  let onCredit: (() => void) | undefined
  const startedPromise = new Promise<void>((resolve) => {
    onStart = resolve
  })
  port.on('message', (message: ToWorker) => {
    credit += message.credit
    if (message.type === 'start') onStart?.()
    onCredit?.()
    onCredit = undefined
  })
  const post = (message: FromWorker) => port.postMessage(message)
  // Lets the thread end once the last message is out; the main thread also terminates it.
  const release = () => {
    port.removeAllListeners('message')
    port.unref()
  }
  const postBatch = () => {
    if (batch.length === 0) return
    post({ type: 'rows', rows: batch })
    batch = []
    credit--
  }
  const sink: RowSink = {
    job,
    sendMeta: (sheet) => post({ type: 'meta', sheet }),
    started: () => startedPromise,
    push(row) {
      batch.push(row)
      if (batch.length >= BATCH_ROWS) postBatch()
    },
    async drain() {
      while (credit <= 0) {
        await new Promise<void>((resolve) => {
          onCredit = resolve
        })
      }
    },
  }
  produce(sink).then(
    () => {
      postBatch()
      post({ type: 'done' })
      release()
    },
    (error: unknown) => {
      postBatch()
      if (error instanceof SanshiError) {
        post({
          type: 'error',
          code: error.code,
          message: error.message,
          location: error.location,
          hint: error.hint,
        })
      } else {
        // Parser messages may quote the file's text, which can be personal data: keep them out.
        post({ type: 'error', code: 'SANSHI207', message: describeUnknown, location: { file: job.file } })
      }
      release()
    },
  )
}
