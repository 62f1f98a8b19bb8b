/**
 * A steady open-model load: request i is due at start + i / rate and is sent then, whatever the earlier
 * ones are doing; its latency counts from when it was due, so a stall counts against every request it
 * holds up (no coordinated omission), as wrk2 measures.
 *
 * autocannon's `overallRate` is another load: each connection sends back to back until it has made its
 * share of the second, then waits for the next second — its "1,000 requests/s" is a burst at full
 * concurrency for the first fifth of each second and silence after — and it records each latency as if
 * a request had been due every millisecond on that connection. The benchmark prints both.
 *
 * The first `leadInSeconds` run at the same rate but are not recorded (as wrk2 drops its calibration
 * period): they open the sockets and warm the code paths of this route, which a server that has been
 * serving them has done long before. Without it the first second (64 new connections, the route's
 * first compilation) had a p99 of 17–490 ms in runs whose median second's was 5–30 ms.
 */
import http from 'node:http'

export interface SteadyLoad {
  url: string
  paths: readonly string[]
  headers?: Record<string, string>
  rate: number
  seconds: number
  /** sockets kept open; a request finding all busy waits for one, and that wait is in its latency */
  connections: number
  /** sent at the same rate before the measured seconds, not recorded (default 2) */
  leadInSeconds?: number
}

export interface SteadyResult {
  requestsPerSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** each measured second's p99: the median and the worst second, to tell a steady tail from a stall */
  secondP99Ms: { median: number; worst: number }
  non2xx: number
  errors: number
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

const round2 = (x: number) => Math.round(x * 100) / 100

export async function steadyLoad(l: SteadyLoad): Promise<SteadyResult> {
  const target = new URL(l.url)
  const agent = new http.Agent({ keepAlive: true, maxSockets: l.connections })
  const leadIn = Math.round(l.rate * (l.leadInSeconds ?? 2))
  const measured = Math.round(l.rate * l.seconds)
  const total = leadIn + measured
  const latencies = new Float64Array(total)
  let done = 0
  let non2xx = 0
  let errors = 0
  let sent = 0
  const start = performance.now()

  await new Promise<void>((resolve) => {
    const finish = () => {
      if (++done === total) resolve()
    }
    const send = (i: number) => {
      const due = start + (i * 1000) / l.rate
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: l.paths[i % l.paths.length],
          headers: l.headers,
          agent,
        },
        (res) => {
          if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode >= 300) non2xx++
          res.resume()
          res.on('end', () => {
            latencies[i] = performance.now() - due
            finish()
          })
          res.on('error', () => {
            errors++
            latencies[i] = performance.now() - due
            finish()
          })
        },
      )
      req.on('error', () => {
        errors++
        latencies[i] = performance.now() - due
        finish()
      })
      req.end()
    }
    // timers fire about once a millisecond: each tick sends every request that has come due
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * l.rate) / 1000) + 1)
      while (sent < due) send(sent++)
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  const elapsed = (performance.now() - start) / 1000
  agent.destroy()
  const recorded = latencies.subarray(leadIn)
  const sorted = recorded.slice().sort()
  const perSecond = Float64Array.from({ length: l.seconds }, (_, s) =>
    percentile(recorded.slice(s * l.rate, (s + 1) * l.rate).sort(), 99),
  ).sort()
  return {
    requestsPerSecond: Math.round(total / elapsed),
    latencyMs: {
      p50: round2(percentile(sorted, 50)),
      p90: round2(percentile(sorted, 90)),
      p99: round2(percentile(sorted, 99)),
      max: round2(sorted[sorted.length - 1] ?? 0),
    },
    secondP99Ms: {
      median: round2(percentile(perSecond, 50)),
      worst: round2(perSecond[perSecond.length - 1] ?? 0),
    },
    non2xx,
    errors,
  }
}
