/**
 * How often the access token may be re-fetched. jsforce refreshes and resends on every 401,
 * without limit, so a server that keeps refusing fresh tokens would otherwise loop forever.
 */
export interface RefreshBudget {
  /** Takes one refresh; `retryAfterMs` says when the next one is allowed if none is left. */
  take: () => { ok: true } | { ok: false, retryAfterMs: number }
}

export function createRefreshBudget (options: { maxPerMinute: number, now?: () => number }): RefreshBudget {
  const now = options.now ?? Date.now
  const windowMs = 60_000
  const used: number[] = []
  return {
    take () {
      const t = now()
      while (used.length > 0 && (used[0] ?? 0) <= t - windowMs) used.shift()
      if (used.length >= options.maxPerMinute) {
        return { ok: false, retryAfterMs: (used[0] ?? t) + windowMs - t }
      }
      used.push(t)
      return { ok: true }
    }
  }
}
