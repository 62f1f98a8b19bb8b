import { describe, expect, it } from 'vitest'
import { oneAtATime } from '../../src/api/uploads/one-at-a-time.ts'

describe('oneAtATime', () => {
  it('runs tasks one after another, in order, and goes on after a failure', async () => {
    const queue = oneAtATime()
    const events: string[] = []
    const task =
      (name: string, ms: number, fail = false) =>
      () =>
        new Promise<string>((resolve, reject) => {
          events.push(`start ${name}`)
          setTimeout(() => {
            events.push(`end ${name}`)
            if (fail) reject(new Error(name))
            else resolve(name)
          }, ms)
        })
    const results = await Promise.allSettled([
      queue(task('a', 30)),
      queue(task('b', 5, true)),
      queue(task('c', 1)),
    ])
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
  })
})
