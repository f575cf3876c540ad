/**
 * Spaces one CRM's fetches across its worker slots while the budget is the bottleneck.
 * A slot whose fetch was not full lingers before its next one (batch-pacing.ts), so the
 * jobs arriving meanwhile fill its calls. Lingering each on its own, two slots fetch out
 * of step: every fetch takes what arrived since the OTHER slot's, and a call carries half
 * what the linger was meant to give it. The pacer spaces the fetches themselves: a slot's
 * next fetch comes `spacingMs` after the latest one granted to any slot, and that time is
 * reserved, so the slots take turns instead of fetching together.
 * A slot that was idle — not lingering, so holding no turn — fetches whenever a job is
 * queued (pg-boss wakes it by NOTIFY), turns or not: the second slot wrote a burst's first
 * 25 contacts 0.3 s after the first slot's lone one, in a call of their own. `fetched`
 * says when such a fetch came early: before the turn another slot holds, or within the
 * latest spacing of a fetch whose slot has not reserved its next turn yet (it is still
 * reading or writing that batch). An early fetch is not granted: the slot's jobs wait for
 * the turn (sync-worker.ts), and the slot reserves one of its own.
 * Where the turns are kept is the store's (`PacerStore`): in this process, or shared by
 * every process of the deployment (shared-pacer-store.ts) so that N worker processes
 * together take one CRM's turns instead of each spacing its own.
 */
export interface FetchPacer {
  /**
   * A slot has just fetched a batch (its handler starts). Resolves to how long (ms) it came
   * before the next turn when it came early (see above) and `mayWait`; else 0, and the
   * fetch is granted (a slot whose batch cannot wait — a full one, retries — goes anyway).
   */
  fetched: (mayWait?: boolean) => Promise<number>
  /** How long this slot waits before its next fetch: 0 when `spacingMs` is 0 (nothing is reserved then). */
  nextTurn: (spacingMs: number) => Promise<number>
}

/** A CRM's turns, times in ms on the store's clock. */
export interface PacerState {
  /** The latest fetch granted or turn reserved. */
  latest: number
  /** The latest fetch granted. */
  granted: number
  /** The latest spacing asked for. */
  spacing: number
  /** The turns reserved by slots lingering now, oldest first; each is dropped once it is due. */
  turns: number[]
}

/** Runs a step on the CRM's state as one atomic change, at `now` on the store's clock. */
export interface PacerStore {
  change: <T>(step: (state: PacerState, now: number) => T) => Promise<T>
}

// A slot's fetch at its own turn lands a few ms after it (the timer, then the fetch's query).
const ON_TIME_MS = 25

export function initialPacerState (): PacerState {
  return { latest: -Infinity, granted: -Infinity, spacing: 0, turns: [] }
}

export function createFetchPacer (store: PacerStore = localPacerStore()): FetchPacer {
  return {
    fetched: async (mayWait = true) => await store.change((state, t) => fetchedAt(state, t, mayWait)),
    nextTurn: async (spacingMs) => await store.change((state, t) => nextTurnAt(state, t, spacingMs))
  }
}

/** The turns of this process only. */
export function localPacerStore (now: () => number = Date.now): PacerStore {
  const state = initialPacerState()
  return { change: async (step) => step(state, now()) }
}

// A slot's fetch at its own turn lands after it: its batch's jobs are completed, then pg-boss
// fetches (~45 ms in the bench). Counted from then, every turn came that much more than the
// spacing after the one before: Salesforce fetched every 1.78 s for a 1.73 s spacing, under
// the day's share, each change waiting the difference. A fetch this late counts from its
// turn; one later than this (its fetch found nothing, and a job woke it later) from itself.
const LATE_ON_TURN_MS = 100

/** `fetched` at time `t`: changes `state` in place. */
export function fetchedAt (state: PacerState, t: number, mayWait: boolean): number {
  const due = state.turns.filter((turn) => turn <= t + ON_TIME_MS)
  state.turns = state.turns.filter((turn) => turn > t + ON_TIME_MS)
  const next = due.length > 0 ? t : state.turns[0] ?? state.granted + state.spacing
  if (mayWait && next > t + ON_TIME_MS) return next - t
  const turn = Math.max(...due)
  const at = t - turn <= LATE_ON_TURN_MS ? Math.min(t, turn) : t
  state.granted = at
  state.latest = Math.max(state.latest, at)
  return 0
}

/** `nextTurn` at time `t`: changes `state` in place. */
export function nextTurnAt (state: PacerState, t: number, spacingMs: number): number {
  state.spacing = Math.max(0, spacingMs)
  if (spacingMs <= 0) return 0
  state.latest = Math.max(t, state.latest + spacingMs)
  state.turns.push(state.latest)
  return state.latest - t
}
