/**
 * How a sync worker spends the CRM's rate budget: send at once while the budget is not the
 * bottleneck; while it is, make every call count. It is the bottleneck when any of these is
 * at least `PRESSURE`:
 * - `usage`: what the current window has spent of what it allows (limiter.usage());
 * - `demand`: the calls writing every change as it arrives would take (records changing per
 *   second ÷ records per call), over the calls a second the budget sustains all day (the
 *   window's rate, or the app's share of the daily quota spread over the day if that is
 *   lower) — a burst shows here before it has spent anything, and so does a steady flow
 *   that would empty the day's quota before the day ends;
 * or when a fetch came back full (more is queued than one batch holds). Then:
 * - a contact already in the CRM is not rewritten for every message that touches it
 *   (`deferContactUpdates`): a later write carries all its changes;
 * - a worker whose fetch was NOT full lingers before its next fetch (`lingerMs`), so the jobs
 *   that arrive meanwhile fill the next calls instead of going in one part-filled call after
 *   another. The linger grows with the pressure: 0 at `PRESSURE`, `MAX_LINGER_MS` at 1.
 * A quiet CRM gets every change at once: no linger, no deferral.
 */
export const PRESSURE = 0.5
export const MAX_LINGER_MS = 2000

export interface Pacing {
  deferContactUpdates: boolean
  lingerMs: number
}

export interface BudgetPressure {
  usage: number
  demand: number
  fetchWasFull: boolean
}

export function batchPacing ({ usage, demand, fetchWasFull }: BudgetPressure): Pacing {
  const pressure = Math.min(1, Math.max(0, (Math.max(usage, demand) - PRESSURE) / (1 - PRESSURE)))
  return {
    deferContactUpdates: fetchWasFull || usage >= PRESSURE || demand >= PRESSURE,
    lingerMs: fetchWasFull ? 0 : Math.round(pressure * MAX_LINGER_MS)
  }
}

/** Calls a second that writing `recordsPerSecond` as they come would take, over what the budget sustains. */
export function demandShare (recordsPerSecond: number, capacity?: { recordsPerCall: number, callsPerSecond: number }): number {
  if (!capacity || !(capacity.callsPerSecond > 0) || !Number.isFinite(capacity.callsPerSecond)) return 0
  return recordsPerSecond / capacity.recordsPerCall / capacity.callsPerSecond
}
