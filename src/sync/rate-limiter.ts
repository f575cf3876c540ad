import { createArrivalOrder } from './arrival-order.ts'

/** What every CRM call waits on before it goes out. */
export interface RateLimiter {
  acquire: (signal?: AbortSignal) => Promise<void>
  /** Blocks every caller for `ms` (after a 429 with Retry-After); resolves once shared. */
  pause: (ms: number) => void | Promise<void>
  /** Learns from the CRM's rate-limit headers (limits, what is left); resolves once shared. */
  observe?: (headers: Record<string, string | string[] | undefined>) => void | Promise<void>
  /**
   * How full the budget is right now: requests in the current window plus callers waiting,
   * over what the window allows (≥ 1: the budget, not the work, is the bottleneck).
   */
  usage?: () => number | Promise<number>
  /** The calls a second the budget sustains all day: its window's allowance, and no more than its daily one spread over the day. */
  readonly callsPerSecond?: number
  /** The calls a second the window allows (what `usage` is measured against). */
  readonly windowCallsPerSecond?: number
  /** How long the window is (ms). */
  readonly windowMs?: number
}

/**
 * In-process sliding-window limiter: at most `max` calls in any `intervalMs`. For one-off
 * tools (`npm run crm:setup`) and tests; the service shares one budget across processes
 * through PostgreSQL (rate-budget.ts).
 */
export function createRateLimiter (options: { max: number, intervalMs: number, now?: () => number }): RateLimiter {
  const now = options.now ?? Date.now
  const sent: number[] = []
  let pausedUntil = 0
  const line = createArrivalOrder()

  async function waitForSlot (signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const t = now()
      while (sent.length > 0 && (sent[0] ?? 0) <= t - options.intervalMs) sent.shift()
      const waitPause = pausedUntil - t
      const waitWindow = sent.length >= options.max ? (sent[0] ?? t) + options.intervalMs - t : 0
      const wait = Math.max(waitPause, waitWindow)
      if (wait <= 0) {
        sent.push(t)
        return
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, wait)
        signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason) }, { once: true })
      })
    }
  }

  return {
    // Callers are served in arrival order: each waits for the previous one's slot.
    acquire: (signal) => line.run(() => waitForSlot(signal)),
    pause (ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms)
    },
    callsPerSecond: options.max / (options.intervalMs / 1000),
    windowCallsPerSecond: options.max / (options.intervalMs / 1000),
    windowMs: options.intervalMs,
    usage () {
      const t = now()
      if (pausedUntil > t) return 1
      const inWindow = sent.filter((at) => at > t - options.intervalMs).length
      return (inWindow + line.waiting()) / options.max
    }
  }
}
