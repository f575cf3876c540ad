/**
 * How a sync worker spends the CRM's rate budget: send at once while the budget is not
 * the bottleneck; while it is, make every call count.
 *
 * The budget is the bottleneck when what we spent in the current window is at least
 * `PRESSURE` of what it allows (a burst spends faster than the window refills), or when a
 * fetch came back full (more is queued than one batch holds). Then:
 * - a contact already in the CRM is not rewritten for every message that touches it
 *   (`deferContactUpdates`): a later write carries all its changes;
 * - a worker whose fetch was NOT full lingers before its next fetch (`lingerMs`), so the
 *   jobs that arrive meanwhile fill the next calls instead of going one part-filled call
 *   after another. The linger grows with the pressure (0 at `PRESSURE`, `MAX_LINGER_MS`
 *   at a full window) and is never longer than the window would make the calls wait anyway.
 * A quiet CRM gets every change at once: no linger, no deferral.
 */
export const PRESSURE = 0.5
export const MAX_LINGER_MS = 2000

export interface Pacing {
  deferContactUpdates: boolean
  lingerMs: number
}

/** `usage`: the budget's fill (limiter.usage(): ≥ 1 means callers are already waiting). */
export function batchPacing (usage: number, fetchWasFull: boolean): Pacing {
  const pressure = Math.min(1, Math.max(0, (usage - PRESSURE) / (1 - PRESSURE)))
  return {
    deferContactUpdates: fetchWasFull || usage >= PRESSURE,
    lingerMs: fetchWasFull ? 0 : Math.round(pressure * MAX_LINGER_MS)
  }
}
