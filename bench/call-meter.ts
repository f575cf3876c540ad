/**
 * Samples a CRM sandbox's request counter every `everyMs` while a phase runs, so the bench can
 * say how much of the rate limit a drain used over its whole duration, not just on average.
 */
export interface CallMeter {
  stop: () => CallTimeline
}

export interface CallTimeline {
  seconds: number
  calls: number
  /** Calls per second over the whole phase, as a share of `limitPerSecond`. */
  used: number
  /** The least-used full window (`windowMs`) inside the phase; null when the phase is shorter. */
  lowestWindowUsed: number | null
}

export function startCallMeter (options: { count: () => number, limit: { max: number, intervalMs: number }, everyMs?: number }): CallMeter {
  const samples: Array<{ at: number, total: number }> = []
  const sample = () => samples.push({ at: performance.now(), total: options.count() })
  sample()
  const timer = setInterval(sample, options.everyMs ?? 100)
  return {
    stop () {
      clearInterval(timer)
      sample()
      const first = samples[0] as { at: number, total: number }
      const last = samples.at(-1) as { at: number, total: number }
      const seconds = (last.at - first.at) / 1000
      const calls = last.total - first.total
      const perSecond = options.limit.max / (options.limit.intervalMs / 1000)
      let lowest: number | null = null
      for (const start of samples) {
        if (start.at + options.limit.intervalMs > last.at) break
        // The first sample at or after the window's end.
        const end = samples.find((s) => s.at >= start.at + options.limit.intervalMs) as { at: number, total: number }
        const used = (end.total - start.total) / options.limit.max
        lowest = lowest === null ? used : Math.min(lowest, used)
      }
      return { seconds, calls, used: seconds > 0 ? calls / seconds / perSecond : 0, lowestWindowUsed: lowest }
    }
  }
}
