/**
 * How a sync worker spends the CRM's rate budget: send at once while the budget is not the
 * bottleneck; while it is, make every call count. Each of these is measured as calls a
 * second over the calls a second the budget sustains all day (the window's rate, or the
 * app's share of the daily quota spread over the day if that is lower):
 * - `usage`: what the current window has spent of what it allows (limiter.usage());
 * - `demand`: the calls writing every NEW change as it arrives would take (records changing
 *   per second ÷ records per call) — a burst shows here before it has spent anything, and so
 *   does a steady flow that would empty the day's quota before the day ends;
 * - `arriving`: the same for deliveries stored at the door (delivery-rate.ts), each at least
 *   one record. While the apply worker is behind, a burst reaches the sync seconds late and at
 *   the apply's pace: the bench's first day (3 000 events in 4–5 s) read over `OVERLOAD` only
 *   1.5–5.6 s in, its first new contacts written before their customers' last events. It
 *   counts only from `OVERLOAD` on: a flow the budget writes in full calls is the sync's own
 *   meter's to judge, as it comes;
 * - `workload`: the same for every job fetched, including those an earlier batch put off
 *   and that come back to be read again (they are work still to do, not new changes);
 * - `spend`: what the current window has spent, over what the budget sustains all day for a
 *   window's length. `demand` counts a flow in full calls, but a flow written at once goes in
 *   a call per fetch however few records each carries: Salesforce took 11.7 calls a second
 *   for 100 new customers a second (1 000 records a call: demand 0.2), ten times its daily
 *   limit. What was actually spent shows it (it counts from when it reaches the daily rate
 *   until it falls under half of it: `createSpendGate`).
 * The budget is the bottleneck when `usage`, `workload`, `demand` or `spend` is at least
 * `PRESSURE`, or when a fetch came back full (more is queued than one batch holds). Then:
 * - a contact already in the CRM is not rewritten for every message that touches it
 *   (`deferContactUpdates`): a later write carries all its changes;
 * - a worker whose fetch was NOT full lingers before its next fetch (`lingerMs`), so the jobs
 *   that arrive meanwhile fill the next calls instead of going in one part-filled call after
 *   another. The linger grows with the pressure: 0 at `PRESSURE`, `MAX_LINGER_MS` at 1; and it
 *   is at least the time new changes take to fill `FILL_TARGET` of a call (`fillMs`, see
 *   `timeToFill`), capped at `MAX_LINGER_MS`: a slow flow under pressure still goes in calls
 *   worth making. But when only `spend` is high, the linger is the call spacing
 *   (`spacingMs`, below): that alone keeps the flow to the day's share. It counts from
 *   the CRM's latest fetch, whichever worker slot made it (fetch-pacer.ts).
 * Beyond `OVERLOAD` — more than the budget could write even in full calls:
 * - new changes (`demand`) while the window still has room (`usage` below `PRESSURE`): a
 *   contact new to the CRM waits while its customer's events are still coming
 *   (`holdArrivingContacts`, bounded from the customer's first event), so its first write is
 *   its only one. That trades latency for the daily quota, so only while the daily quota, not
 *   the window, is what binds: a call held back from a filling window is one the window must
 *   still make later, so holding would only stretch a drain the window already paces. New
 *   changes only: the contacts it puts off come back to be read again, and counting those
 *   would keep the hold on by itself;
 * - any work (`workload`), or a full fetch: each kind goes in full calls only, the
 *   part-filled rest waiting once for the next fetch (`fillCalls`); and while the daily quota
 *   binds as above, a rest may wait again, for a bounded time, until later records fill its
 *   call (`waitToFill`).
 * A quiet CRM gets every change at once: no deferral, and a worker's next fetch waits only
 * `spacingMs` — one call's share of what the budget sustains all day (`callSpacing`). A flow
 * written as it comes goes in a call per fetch however few records each carries, and fetches
 * come as fast as jobs do: the ramp of a Salesforce burst went in five calls in 2.5 s, a day's
 * rate being one call every 1.7 s, before anything above measured it. Spaced, a lone change
 * still goes at once, and a flow's part-filled calls never spend faster than the day allows.
 */
export const PRESSURE = 0.5
export const OVERLOAD = 1
export const MAX_LINGER_MS = 2000
// Not a whole call: arrivals jitter, and a fetch just over one call's worth makes two calls.
export const FILL_TARGET = 0.8

export interface Pacing {
  deferContactUpdates: boolean
  holdArrivingContacts: boolean
  fillCalls: boolean
  waitToFill: boolean
  lingerMs: number
}

export interface BudgetPressure {
  usage: number
  demand: number
  /** Deliveries stored per second at the door, as `demand` counts records (`demandShare`); none: not known. */
  arriving?: number
  workload: number
  fetchWasFull: boolean
  /** How long new changes take to fill `FILL_TARGET` of a call (`timeToFill`); none: no floor. */
  fillMs?: number
  /** The window's spending over the daily rate (`spendShare`); none: not known. */
  spend?: number
  /** The least time between a worker's part-filled fetches (`callSpacing`); none: no floor. */
  spacingMs?: number
}

export function batchPacing ({ usage, demand: changing, arriving = 0, workload, fetchWasFull, fillMs = 0, spend = 0, spacingMs = 0 }: BudgetPressure): Pacing {
  const demand = arriving >= OVERLOAD ? Math.max(changing, arriving) : changing
  const load = Math.max(usage, demand, workload)
  // What was spent turns the pacing on but does not lengthen the linger past the fill time:
  // it reads what the pacing itself shapes, and a longer wait would only add lag.
  const busiest = Math.max(load, spend)
  const pressure = Math.min(1, Math.max(0, (load - PRESSURE) / (1 - PRESSURE)))
  const quotaBinds = demand >= OVERLOAD && usage < PRESSURE
  // Only the spending is high, and the spacing already keeps it to the day's share: waiting
  // past it for a flow too slow to fill a call within the bound would only add lag
  // (Salesforce at 100 new customers a second: calls every 2 s instead of 1.7, lag p50 1.1 s).
  const spacedEnough = load < PRESSURE && spacingMs > 0
  const fillWait = busiest < PRESSURE || spacedEnough ? 0 : Math.round(Math.min(MAX_LINGER_MS, Math.max(pressure * MAX_LINGER_MS, fillMs)))
  return {
    deferContactUpdates: fetchWasFull || busiest >= PRESSURE,
    holdArrivingContacts: quotaBinds,
    fillCalls: fetchWasFull || Math.max(demand, workload) >= OVERLOAD,
    waitToFill: quotaBinds,
    lingerMs: fetchWasFull ? 0 : Math.max(spacingMs, fillWait)
  }
}

/**
 * One call's share of what the budget sustains all day (ms), at most `MAX_LINGER_MS`: HubSpot
 * Free/Starter's half of 250 000 a day is a call every 0.69 s, Salesforce's half of 100 000
 * one every 1.7 s. 0 when the budget does not say its rate.
 */
export function callSpacing (capacity?: { callsPerSecond: number }): number {
  if (!capacity || !(capacity.callsPerSecond > 0) || !Number.isFinite(capacity.callsPerSecond)) return 0
  return Math.round(Math.min(MAX_LINGER_MS, 1000 / capacity.callsPerSecond))
}

/** How long `recordsPerSecond` new changes take to fill `FILL_TARGET` of a call (Infinity when none come). */
export function timeToFill (recordsPerSecond: number, recordsPerCall: number): number {
  return recordsPerSecond > 0 ? FILL_TARGET * recordsPerCall / recordsPerSecond * 1000 : Infinity
}

/** Calls a second that writing `recordsPerSecond` as they come would take, over what the budget sustains. */
export function demandShare (recordsPerSecond: number, capacity?: { recordsPerCall: number, callsPerSecond: number }): number {
  if (!capacity || !(capacity.callsPerSecond > 0) || !Number.isFinite(capacity.callsPerSecond)) return 0
  return recordsPerSecond / capacity.recordsPerCall / capacity.callsPerSecond
}

/**
 * The window's spending (`usage`, a share of what the window allows) over what the budget
 * sustains all day for as long: 1 spends the day's allowance exactly by the end of the day.
 */
export function spendShare (usage: number, capacity?: { callsPerSecond: number, windowCallsPerSecond?: number }): number {
  if (!capacity?.windowCallsPerSecond || !(capacity.callsPerSecond > 0) || !Number.isFinite(capacity.callsPerSecond)) return 0
  return usage * capacity.windowCallsPerSecond / capacity.callsPerSecond
}

/**
 * Whether what was spent counts, with hysteresis: from when the window has spent at the daily
 * rate or more (`OVERLOAD`) until it spends under half of it (`PRESSURE`). A window is 10 s,
 * so a few calls together read as a high rate for a moment; asking for the daily rate keeps
 * most of them out. Once on, the paced flow spends under the daily rate but over half of it,
 * and keeps it on — turning off at the daily rate would let the flow go at once again, and on
 * and off in turn.
 * The window the workers start in holds calls they did not pace — the start-up's own setup (17
 * HubSpot calls creating properties against an empty account, Salesforce's login and
 * describes) — which read as the daily rate and paced the first seconds' syncs. So what the
 * window held at the first look within `graceMs` (the window's length) of the gate's making is
 * left out until then; what the workers spend on top of it counts from the first call.
 */
export function createSpendGate (options: { graceMs?: number, now?: () => number } = {}): (spend: number) => number {
  const now = options.now ?? Date.now
  const graceEnds = now() + (options.graceMs ?? 0)
  let before: number | undefined
  let on = false
  return (read) => {
    let spend = read
    if (now() < graceEnds) {
      before ??= read
      spend = Math.max(0, read - before)
    }
    on = on ? spend >= PRESSURE : spend >= OVERLOAD
    return on ? spend : 0
  }
}
