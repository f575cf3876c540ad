/** What every CRM call waits on before it goes out. */
export interface RateLimiter {
  acquire: (signal?: AbortSignal) => Promise<void>
  /** Blocks every caller for `ms` (after a 429 with Retry-After); resolves once shared. */
  pause: (ms: number) => void | Promise<void>
  /** Learns from the CRM's rate-limit headers (limits, what is left); resolves once shared. */
  observe?: (headers: Record<string, string | string[] | undefined>) => void | Promise<void>
  /**
   * How hard the budget is being spent: the larger of the window's fill (requests in it plus
   * callers waiting, over what it allows; ≥ 1: the budget, not the work, is the bottleneck)
   * and the last RECENT_MS's spend rate over the rate the window sustains — a burst that will
   * use up the window shows within a second or two, long before the window is full.
   */
  usage?: () => number | Promise<number>
}

export const RECENT_MS = 2000

/** `recent` calls in the last RECENT_MS, over what `max` per `intervalMs` sustains for that long. */
export function spendRate (recent: number, max: number, intervalMs: number): number {
  return recent / (max * RECENT_MS / intervalMs)
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
  let waiting = 0
  let queue = Promise.resolve()

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
    acquire (signal) {
      waiting += 1
      const turn = queue.then(() => waitForSlot(signal)).finally(() => { waiting -= 1 })
      queue = turn.catch(() => {})
      return turn
    },
    pause (ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms)
    },
    usage () {
      const t = now()
      if (pausedUntil > t) return 1
      const inWindow = sent.filter((at) => at > t - options.intervalMs).length
      const recent = sent.filter((at) => at > t - RECENT_MS).length
      return Math.max((inWindow + waiting) / options.max, spendRate(recent, options.max, options.intervalMs))
    }
  }
}
