import type { Progress } from './tally.ts'

export interface ProgressOutput {
  write (text: string): unknown
  isTTY?: boolean
  columns?: number
}

/**
 * Progress on stderr: a redrawn bar on a terminal, otherwise a plain line every few seconds
 * (CI logs should not fill with carriage returns).
 */
export function createProgressBar (output: ProgressOutput, options: { lineEveryMs?: number } = {}) {
  const lineEveryMs = options.lineEveryMs ?? 5000
  let lastLine = -Infinity
  let drawn = false
  return {
    update (p: Progress) {
      const text = describe(p)
      if (output.isTTY) {
        const width = Math.max(10, Math.min(40, (output.columns ?? 80) - text.length - 4))
        const done = p.planned === 0 ? 1 : p.settled / p.planned
        const filled = Math.round(done * width)
        output.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`)
        drawn = true
      } else if (p.elapsedMs - lastLine >= lineEveryMs) {
        lastLine = p.elapsedMs
        output.write(`simulate: ${text}\n`)
      }
    },
    /** Clears the bar so the summary starts on a clean line. */
    finish () {
      if (drawn) output.write('\r\x1b[2K')
    }
  }
}

function describe (p: Progress): string {
  const percent = p.planned === 0 ? 100 : Math.floor((p.settled / p.planned) * 100)
  const rate = p.elapsedMs > 0 ? Math.round((p.requests / p.elapsedMs) * 1000) : 0
  const parts = [`${percent}% ${p.settled}/${p.planned} done`, `${p.inFlight} in flight`, `${rate} req/s`]
  if (p.waitingRetry > 0) parts.push(`${p.waitingRetry} waiting to retry`)
  if (p.unexpected > 0) parts.push(`${p.unexpected} unexpected`)
  return parts.join(', ')
}
