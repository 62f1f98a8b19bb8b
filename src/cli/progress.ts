import { SingleBar } from 'cli-progress'

export interface Progress {
  file: string
  rows: number
  /** share of the file read (0..1), where the reader can tell */
  fraction?: number
}

/**
 * A progress bar per file on a terminal: rows, rows/s, and the ETA where the reader knows how far
 * through the file it is. Nothing when stderr is not a terminal or --json asks for summaries only.
 */
export const ingestProgress = (enabled: boolean) => {
  const quiet = { update: (_p: Progress) => {}, stop: () => {} }
  if (!enabled || !process.stderr.isTTY) return quiet
  let bar: SingleBar | undefined
  let file = ''
  let started = 0
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    update: (p: Progress) => {
      if (!bar || p.file !== file) {
        stop()
        file = p.file
        started = Date.now()
        bar = new SingleBar({
          stream: process.stderr,
          format: `${p.file} [{bar}] {percentage}%  {rows} rows  {rate} rows/s  ETA {eta_formatted}`,
          hideCursor: true,
          etaBuffer: 20,
        })
        bar.start(1000, 0, { rows: 0, rate: 0 })
      }
      const seconds = (Date.now() - started) / 1000
      bar.update(Math.round((p.fraction ?? 0) * 1000), {
        rows: p.rows,
        rate: seconds > 0 ? Math.round(p.rows / seconds) : 0,
      })
    },
    stop,
  }
}
