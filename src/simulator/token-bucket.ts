import { setTimeout as sleep } from 'node:timers/promises'

export interface TokenBucket {
  /** Resolves when a token is available (callers are served in order). */
  take (signal?: AbortSignal): Promise<void>
}

/**
 * Paces sends to `rate` per second with a small burst allowance (50 ms worth), because timers
 * cannot fire every 0.2 ms at high rates. `rate` 0 means unpaced.
 */
export function createTokenBucket (options: { rate: number, burst?: number, now?: () => number, wait?: (ms: number, signal?: AbortSignal) => Promise<unknown> }): TokenBucket {
  const { rate } = options
  if (!(rate >= 0)) throw new RangeError(`rate must be >= 0, got ${rate}`)
  if (rate === 0) return { take: async () => {} }
  const now = options.now ?? (() => performance.now())
  const wait = options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }))
  const capacity = options.burst ?? Math.max(1, Math.ceil(rate / 20))
  let tokens = 1
  let last = now()
  let queue: Promise<void> = Promise.resolve()

  const takeOne = async (signal?: AbortSignal) => {
    for (;;) {
      const current = now()
      tokens = Math.min(capacity, tokens + ((current - last) / 1000) * rate)
      last = current
      if (tokens >= 1) {
        tokens -= 1
        return
      }
      await wait(((1 - tokens) / rate) * 1000, signal)
    }
  }
  return {
    take (signal) {
      const turn = queue.then(() => takeOne(signal))
      queue = turn.catch(() => {})
      return turn
    }
  }
}
