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
 */
export interface FetchPacer {
  /**
   * A slot has just fetched a batch (its handler starts). Returns how long (ms) it came
   * before the next turn when it came early (see above) and `mayWait`; else 0, and the
   * fetch is granted (a slot whose batch cannot wait — a full one, retries — goes anyway).
   */
  fetched: (mayWait?: boolean) => number
  /** How long this slot waits before its next fetch: 0 when `spacingMs` is 0 (nothing is reserved then). */
  nextTurn: (spacingMs: number) => number
}

// A slot's fetch at its own turn lands a few ms after it (the timer, then the fetch's query).
const ON_TIME_MS = 25

export function createFetchPacer (now: () => number = Date.now): FetchPacer {
  // The latest fetch granted or turn reserved; the latest fetch granted; the latest spacing asked for.
  let latest = -Infinity
  let granted = -Infinity
  let spacing = 0
  // The turns reserved by slots lingering now, oldest first; each is dropped once it is due.
  let turns: number[] = []
  return {
    fetched (mayWait = true) {
      const t = now()
      const onTurn = turns.some((turn) => turn <= t + ON_TIME_MS)
      turns = turns.filter((turn) => turn > t + ON_TIME_MS)
      const next = onTurn ? t : turns[0] ?? granted + spacing
      if (mayWait && next > t + ON_TIME_MS) return next - t
      granted = t
      latest = Math.max(latest, t)
      return 0
    },
    nextTurn (spacingMs) {
      spacing = Math.max(0, spacingMs)
      if (spacingMs <= 0) return 0
      const t = now()
      latest = Math.max(t, latest + spacingMs)
      turns.push(latest)
      return latest - t
    }
  }
}
