/**
 * How fast records needing a write reach a CRM's sync workers: the jobs fetched since the
 * oldest fetch of the last `windowMs`, over the time since that fetch — what arrived between
 * fetches, so a burst shows from its second fetch on (a fixed window's average would still be
 * diluted by the quiet before it). The window outlasts a worker's linger between fetches. One
 * fetch alone in the window counts over the whole window. Where the fetches are recorded is the
 * meter's: this process's own (`createDemandMeter`), or every process's (shared-demand-meter.ts),
 * as the budget it is compared with is the deployment's.
 * A fetch may also say how long before it the earliest of its jobs was queued (`queuedMs`):
 * jobs left over by the fetch before — it was full, or another slot held them — arrived
 * before it, not between the two, and the span counts from when they did (`ratePerSecond`).
 * pg-boss stamps a job with its insert transaction's start, so jobs an apply committed just
 * after a fetch count from a little before it: a burst reads a little lower than it was.
 */
export interface DemandMeter {
  record: (jobs: number, queuedMs?: number) => Promise<void>
  perSecond: () => Promise<number>
}

/** `from`: when the earliest of its jobs was queued, on `at`'s clock (none: at the fetch). */
export interface Fetch { at: number, jobs: number, from?: number | null }

export const DEMAND_WINDOW_MS = 5000

/**
 * Jobs per second from the fetches within the window before `t`, oldest first: the jobs of
 * every fetch after the oldest, over the time since the oldest — or since the earliest of
 * those jobs was queued, if earlier. After a stall (a CRM call waiting seconds for its rate
 * window) the jobs queued meanwhile came in two fetches half a second apart, and counted
 * over that half second the second one's read as a burst several times the flow (at 100 a
 * second, 300): the arrival hold switched on and new customers waited 5 s for quiet.
 */
export function ratePerSecond (fetched: Fetch[], t: number, windowMs: number): number {
  const [oldest, ...since] = fetched
  if (!oldest) return 0
  if (since.length === 0) return oldest.jobs / (windowMs / 1000)
  const start = Math.min(oldest.at, ...since.map((entry) => entry.from ?? entry.at))
  return since.reduce((sum, entry) => sum + entry.jobs, 0) / (Math.max(t - start, 1) / 1000)
}

/** The fetches of this process only. */
export function createDemandMeter (options: { windowMs?: number, now?: () => number } = {}): DemandMeter {
  const windowMs = options.windowMs ?? DEMAND_WINDOW_MS
  const now = options.now ?? Date.now
  const fetched: Fetch[] = []
  const forget = (t: number) => { while (fetched.length > 0 && (fetched[0]?.at ?? t) <= t - windowMs) fetched.shift() }
  return {
    async record (jobs, queuedMs = 0) {
      const t = now()
      forget(t)
      fetched.push({ at: t, jobs, from: t - queuedMs })
    },
    async perSecond () {
      const t = now()
      forget(t)
      return ratePerSecond(fetched, t, windowMs)
    }
  }
}
