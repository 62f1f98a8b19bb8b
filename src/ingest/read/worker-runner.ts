/**
 * The main-thread half of a spreadsheet worker: starts it with memory limits, waits for the sheet name,
 * then streams its row batches with credit-based flow control. A watchdog kills the worker when it goes
 * quiet while the consumer waits (stall) or has spent too long working in total; every failure ends the
 * worker and surfaces as a SanshiError.
 */
import { Worker } from 'node:worker_threads'
import { SanshiError } from '../../errors.ts'
import type { RawRow } from './types.ts'
import type { FromWorker, ToWorker, WorkerJob } from './worker-protocol.ts'
import { INITIAL_CREDIT } from './worker-protocol.ts'
import { WORKER_BOOTSTRAP } from './worker-module.ts'

export interface WorkerReader {
  sheet: string
  batches(): AsyncGenerator<RawRow[]>
}

/** `entry` is the worker module (see worker-module.ts); a small JavaScript bootstrap imports it. */
export async function startWorkerReader(entry: URL, job: Omit<WorkerJob, 'entry'>): Promise<WorkerReader> {
  const { limits, file } = job
  const worker = new Worker(WORKER_BOOTSTRAP, {
    // Node 20 ignores `--import tsx` here for the entry file, hence the bootstrap; an empty execArgv also
    // keeps the parent's flags (a test runner's, say) out of the worker.
    execArgv: [],
    workerData: { ...job, entry: entry.href } satisfies WorkerJob,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxWorkerHeapMb },
    stdout: false,
    stderr: false,
  })
  const received: RawRow[][] = []
  let meta: string | undefined
  let done = false
  let failure: SanshiError | undefined
  let wake: (() => void) | undefined
  let waitingSince: number | undefined // set while the caller waits for the worker
  let lastMessageAt = Date.now()
  let busyMs = 0

  const notify = () => {
    wake?.()
    wake = undefined
  }
  const fail = (error: SanshiError) => {
    failure ??= error
    void worker.terminate()
    notify()
  }
  worker.on('message', (message: FromWorker) => {
    lastMessageAt = Date.now()
    if (message.type === 'meta') meta = message.sheet
    else if (message.type === 'rows') received.push(message.rows)
    else if (message.type === 'done') done = true
    else fail(new SanshiError(message.code, message.message, message.location, message.hint))
    notify()
  })
  worker.on('error', (error: NodeJS.ErrnoException) => {
    fail(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new SanshiError(
            'SANSHI207',
            `the spreadsheet needs more than ${limits.maxWorkerHeapMb} MB to read`,
            {
              file,
            },
          )
        : new SanshiError('SANSHI207', 'the spreadsheet reader failed', { file }),
    )
  })
  worker.on('exit', () => {
    if (!done) fail(new SanshiError('SANSHI207', 'the spreadsheet reader stopped unexpectedly', { file }))
  })

  const tick = Math.max(10, Math.min(1000, Math.floor(limits.stallTimeoutMs / 4)))
  const watchdog = setInterval(() => {
    if (waitingSince === undefined) return
    const now = Date.now()
    if (now - Math.max(lastMessageAt, waitingSince) > limits.stallTimeoutMs) {
      fail(
        new SanshiError(
          'SANSHI211',
          `no rows came out of the spreadsheet for ${limits.stallTimeoutMs / 1000} s`,
          {
            file,
          },
        ),
      )
    } else if (busyMs + (now - waitingSince) > limits.timeoutMs) {
      fail(new SanshiError('SANSHI211', `reading took longer than ${limits.timeoutMs / 1000} s`, { file }))
    }
  }, tick)
  watchdog.unref()

  const waitForWorker = async () => {
    worker.ref()
    const since = Date.now()
    waitingSince = since
    await new Promise<void>((resolve) => {
      wake = resolve
    })
    waitingSince = undefined
    busyMs += Date.now() - since
    // Idle between the caller's reads: an abandoned reader must not keep the process alive.
    worker.unref()
  }
  const finish = () => {
    clearInterval(watchdog)
    void worker.terminate()
  }

  while (meta === undefined && failure === undefined) await waitForWorker()
  if (failure !== undefined) {
    finish()
    throw failure
  }
  const send = (message: ToWorker) => worker.postMessage(message)

  async function* batches(): AsyncGenerator<RawRow[]> {
    send({ type: 'start', credit: INITIAL_CREDIT })
    try {
      while (true) {
        const batch = received.shift()
        if (batch !== undefined) {
          send({ type: 'credit', credit: 1 })
          yield batch
        } else if (failure !== undefined) {
          throw failure
        } else if (done) {
          return
        } else {
          await waitForWorker()
        }
      }
    } finally {
      finish()
    }
  }
  return { sheet: meta!, batches }
}
