/**
 * A worker thread of the prepare pool (prepare-pool.ts): prepares the chunks it is sent, in the order
 * they come, and sends each back with its bytes transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { type PrepareSetup, RowPreparer, transferables } from './prepare.ts'
import { type PackedJob, packedRows } from './packed-job.ts'

export type ToPrepareWorker = { id: number; job: PackedJob }
export type FromPrepareWorker =
  { id: number; chunk: ReturnType<RowPreparer['prepare']> } | { id: number; error: string }

const port = parentPort!
const preparer = new RowPreparer((workerData as { setup: PrepareSetup }).setup)

port.on('message', ({ id, job }: ToPrepareWorker) => {
  let reply: FromPrepareWorker
  try {
    const chunk = preparer.prepare(packedRows(job))
    port.postMessage({ id, chunk } satisfies FromPrepareWorker, transferables(chunk))
    return
  } catch (e) {
    // the error's kind only: a normaliser's message might quote the cell it choked on
    reply = { id, error: e instanceof Error ? e.name : 'Error' }
  }
  port.postMessage(reply)
})
