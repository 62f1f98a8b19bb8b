// Worker entry in plain JavaScript. Node 20 does not apply loaders given in a worker's execArgv
// (`--import tsx`) to the worker's own entry file, so this file registers tsx itself when the worker named
// in workerData is TypeScript (sanshi run from its sources), and then imports it. A compiled sanshi
// (dist/) names a JavaScript worker and needs no loader.
import { workerData } from 'node:worker_threads'

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api')
  register()
}
await import(workerData.entry)
