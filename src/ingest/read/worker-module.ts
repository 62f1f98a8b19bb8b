/**
 * The URL of a worker's entry module beside the calling one. sanshi runs either from its TypeScript
 * sources (through tsx) or compiled to dist/ (plain JavaScript, no loader): the entry takes the caller's
 * own extension, so each form starts workers of its own kind.
 */
/** The plain JavaScript file every worker starts from: it imports the entry module (and tsx for a `.ts` one). */
export const WORKER_BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url)

export const workerModule = (name: string, caller: string): URL =>
  new URL(`${name}${caller.endsWith('.ts') ? '.ts' : '.js'}`, caller)
