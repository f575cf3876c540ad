/**
 * How fast records needing a write reach this process's sync workers for one CRM: the jobs
 * its fetches handed over in the last `windowMs`, per second. With several processes each
 * sees its own share, so this errs low (towards writing at once).
 */
export function createDemandMeter (options: { windowMs?: number, now?: () => number } = {}) {
  const windowMs = options.windowMs ?? 2000
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
      forget(now())
      return fetched.reduce((sum, entry) => sum + entry.jobs, 0) / (windowMs / 1000)
    }
  }
}
