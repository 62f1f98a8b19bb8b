/**
 * Where chunks of rows are prepared (prepare.ts): in the main thread, or spread over worker threads so
 * that mapping, normalising and COPY encoding run beside the main thread's reading and the database's
 * COPY. Results come back in the order the chunks went out.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { jobRows, type PrepareJob, type PreparedChunk, type PrepareSetup, RowPreparer } from './prepare.ts'
import { packJob, packedTransferables } from './packed-job.ts'
import type { FromPrepareWorker, ToPrepareWorker } from './prepare-worker.ts'
import { WORKER_BOOTSTRAP, workerModule } from './read/worker-module.ts'

export interface Preparer {
  /** how many chunks may be out at once before the caller should wait for the oldest */
  readonly depth: number
  prepare(job: PrepareJob): Promise<PreparedChunk>
  close(): Promise<void>
}

/**
 * A cap: the main thread (reading, hashing, ordering, splicing) keeps about 40 % of a row's work in the
 * profile, so workers past two or three would wait on it (estimated, not measured: two cores here).
 */
const MAX_WORKERS = 3
/**
 * A bound against a runaway worker, not a budget: its live heap stays at 60–100 MB on a million hukou rows,
 * and a source whose normaliser caches grow larger must not fail its batch for want of heap.
 */
const WORKER_OLD_SPACE_MB = 512

/**
 * `auto` (the CLI's default) gives a file of AUTO_WORKER_BYTES or more one worker where there are two cores
 * or more: on the two-core benchmark machine, quiet, one worker made a million-row load 7–24 % faster in
 * every pair measured (docs/benchmarks.md), for about 60 MB more peak memory; on the same machine loaded
 * by other work it gained nothing. Below the size, a worker's start (it loads the normalisers' tables,
 * about half a second) is not repaid. More workers are the operator's choice (`--workers N`), for
 * machines with cores to spare. Uploads through the API use none unless configured: the server's cores
 * are the lookups' first.
 */
export type WorkerCount = number | 'auto'
export const AUTO_WORKER_BYTES = 8 * 1024 * 1024

export const workersFor = (asked: WorkerCount, fileBytes: number, cpus = availableParallelism()): number =>
  asked !== 'auto' ? asked : cpus >= 2 && fileBytes >= AUTO_WORKER_BYTES ? 1 : 0

export const openPreparer = (setup: PrepareSetup, workers: number): Preparer =>
  workers > 0 ? new WorkerPreparer(setup, Math.min(MAX_WORKERS, Math.floor(workers))) : inlinePreparer(setup)

const inlinePreparer = (setup: PrepareSetup): Preparer => {
  const preparer = new RowPreparer(setup)
  return {
    depth: 0,
    prepare: async (job) => preparer.prepare(jobRows(job)),
    close: async () => {},
  }
}

const ENTRY = workerModule('./prepare-worker', import.meta.url)

interface Waiting {
  resolve: (chunk: PreparedChunk) => void
  reject: (error: Error) => void
}

class WorkerPreparer implements Preparer {
  readonly depth: number
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, Waiting>()
  private next = 0
  private failure: Error | undefined
  private closed = false

  constructor(setup: PrepareSetup, count: number) {
    // two chunks per worker: one in work, one queued behind it, so no worker waits on the main thread
    this.depth = 2 * count
    for (let i = 0; i < count; i++) {
      const worker = new Worker(WORKER_BOOTSTRAP, {
        // the bootstrap imports the entry (see read/worker-bootstrap.mjs); no parent flags in the worker
        execArgv: [],
        workerData: { entry: ENTRY.href, setup },
        // a worker holds the normalisers' tables and caches (about 60-100 MB live at a million rows); left
        // alone, V8 lets its heap grow to twice that and more, which the ingest's memory budget cannot spare.
        // A young generation of 48 MB collected half as often but gained nothing since the worker stopped
        // memoising parsed addresses (two pairs on a million rows), for 20-30 MB more
        resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_SPACE_MB, maxYoungGenerationSizeMb: 16 },
        stdout: false,
        stderr: false,
      })
      worker.on('message', (m: FromPrepareWorker) => {
        const waiting = this.waiting.get(m.id)
        this.waiting.delete(m.id)
        if ('chunk' in m) {
          waiting?.resolve(m.chunk)
          return
        }
        const error = new Error(`an ingest worker failed (${m.error})`)
        waiting?.reject(error)
        this.fail(error)
      })
      worker.on('error', () => this.fail(new Error('an ingest worker failed')))
      worker.on('exit', () => {
        if (!this.closed) this.fail(new Error('an ingest worker stopped unexpectedly'))
      })
      this.workers.push(worker)
    }
  }

  prepare(job: PrepareJob): Promise<PreparedChunk> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.next++
    // round robin: chunks are of equal size, so the workers keep pace with each other
    const worker = this.workers[id % this.workers.length]!
    return new Promise<PreparedChunk>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      const packed = packJob(job)
      worker.postMessage({ id, job: packed } satisfies ToPrepareWorker, packedTransferables(packed))
    })
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const w of this.waiting.values()) w.reject(this.failure)
    this.waiting.clear()
  }

  async close(): Promise<void> {
    this.closed = true
    this.fail(new Error('the ingest workers were closed'))
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}
