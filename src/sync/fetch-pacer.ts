/**
 * Spaces one CRM's fetches across its worker slots while the budget is the bottleneck.
 * A slot whose fetch was not full lingers before its next one (batch-pacing.ts), so the
 * jobs arriving meanwhile fill its calls. Lingering each on its own, two slots fetch out
 * of step: every fetch takes what arrived since the OTHER slot's, and a call carries half
 * what the linger was meant to give it. The pacer spaces the fetches themselves: a slot's
 * next fetch comes `spacingMs` after the latest one granted to any slot, and that time is
 * reserved, so the slots take turns instead of fetching together.
 */
export interface FetchPacer {
  /** A slot has just fetched a batch (its handler starts). */
  fetched: () => void
  /** How long this slot waits before its next fetch: 0 when `spacingMs` is 0 (nothing is reserved then). */
  nextTurn: (spacingMs: number) => number
}

export function createFetchPacer (now: () => number = Date.now): FetchPacer {
  let latest = -Infinity
  return {
    fetched () {
      latest = Math.max(latest, now())
    },
    nextTurn (spacingMs) {
      if (spacingMs <= 0) return 0
      const t = now()
      latest = Math.max(t, latest + spacingMs)
      return latest - t
    }
  }
}
