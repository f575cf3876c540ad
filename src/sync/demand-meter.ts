/**
 * How fast records needing a write reach a CRM's sync workers: the jobs fetched since the
 * oldest fetch of the last `windowMs`, over the time since that fetch — what arrived between
 * fetches, so a burst shows from its second fetch on (a fixed window's average would still be
 * diluted by the quiet before it). The window outlasts a worker's linger between fetches. One
 * fetch alone in the window counts over the whole window. Where the fetches are recorded is the
 * meter's: this process's own (`createDemandMeter`), or every process's (shared-demand-meter.ts),
 * as the budget it is compared with is the deployment's.
 */
export interface DemandMeter {
  record: (jobs: number) => Promise<void>
  perSecond: () => Promise<number>
}

export interface Fetch { at: number, jobs: number }

export const DEMAND_WINDOW_MS = 5000

/** Jobs per second from the fetches within the window before `t`, oldest first. */
export function ratePerSecond (fetched: Fetch[], t: number, windowMs: number): number {
  const [oldest, ...since] = fetched
  if (!oldest) return 0
  if (since.length === 0) return oldest.jobs / (windowMs / 1000)
  return since.reduce((sum, entry) => sum + entry.jobs, 0) / (Math.max(t - oldest.at, 1) / 1000)
}

/** The fetches of this process only. */
export function createDemandMeter (options: { windowMs?: number, now?: () => number } = {}): DemandMeter {
  const windowMs = options.windowMs ?? DEMAND_WINDOW_MS
  const now = options.now ?? Date.now
  const fetched: Fetch[] = []
  const forget = (t: number) => { while (fetched.length > 0 && (fetched[0]?.at ?? t) <= t - windowMs) fetched.shift() }
  return {
    async record (jobs) {
      const t = now()
      forget(t)
      fetched.push({ at: t, jobs })
    },
    async perSecond () {
      const t = now()
      forget(t)
      return ratePerSecond(fetched, t, windowMs)
    }
  }
}
