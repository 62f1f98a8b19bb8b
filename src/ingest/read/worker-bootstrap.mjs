// Worker entry in plain JavaScript. Node 20 does not apply loaders given in a worker's execArgv
// (`--import tsx`) to the worker's own entry file, so this file registers tsx itself and then imports the
// TypeScript worker named in workerData.
import { workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
await import(workerData.entry)
