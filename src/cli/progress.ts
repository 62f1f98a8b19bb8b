import { SingleBar } from 'cli-progress'

/** A rows/s progress line on a terminal; nothing when output is piped or --json asks for summaries only. */
export const rowProgress = (label: string, enabled: boolean) => {
  if (!enabled || !process.stderr.isTTY) return { update: (_rows: number) => {}, stop: () => {} }
  const started = Date.now()
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} {rows} rows  {rate} rows/s  {duration_formatted}`,
      hideCursor: true,
      noTTYOutput: false,
    },
  )
  bar.start(0, 0, { rows: 0, rate: 0 })
  return {
    update: (rows: number) => {
      const seconds = (Date.now() - started) / 1000
      bar.update(0, { rows, rate: seconds > 0 ? Math.round(rows / seconds) : 0 })
    },
    stop: () => bar.stop(),
  }
}
