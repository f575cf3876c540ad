/**
 * How fast records needing a write reach this process's sync workers for one CRM: the jobs
 * fetched since the oldest fetch of the last `windowMs`, over the time since that fetch —
 * what arrived between fetches, so a burst shows from its second fetch on (a fixed window's
 * average would still be diluted by the quiet before it). The window outlasts a worker's
 * linger between fetches. One fetch alone in the window counts over the whole window. With
 * several processes each sees its own share, so this errs low (towards writing at once).
 */
export function createDemandMeter (options: { windowMs?: number, now?: () => number } = {}) {
  const windowMs = options.windowMs ?? 5000
  const now = options.now ?? Date.now
  const fetched: Array<{ at: number, jobs: number }> = []
  const forget = (t: number) => { while (fetched.length > 0 && (fetched[0]?.at ?? t) <= t - windowMs) fetched.shift() }
  return {
    record (jobs: number): void {
      const t = now()
      forget(t)
      fetched.push({ at: t, jobs })
    },
    perSecond (): number {
      const t = now()
      forget(t)
      const [oldest, ...since] = fetched
      if (!oldest) return 0
      if (since.length === 0) return oldest.jobs / (windowMs / 1000)
      return since.reduce((sum, entry) => sum + entry.jobs, 0) / (Math.max(t - oldest.at, 1) / 1000)
    }
  }
}
