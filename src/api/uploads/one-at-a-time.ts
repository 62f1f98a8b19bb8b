/**
 * Runs ingests one after another. Each holds a database connection (PGlite has only one) and a
 * core for its whole length; running several at once only makes each slower and can take the
 * PostgreSQL pool from every other request. A clerk's upload waits its turn instead.
 */
export const oneAtATime = () => {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task)
    tail = run.catch(() => {})
    return run
  }
}
