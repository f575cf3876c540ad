import type { NextFunction, Request, Response } from 'express'

/**
 * Faults a test (or a curious newcomer) can switch on in a CRM sandbox, in-process or
 * over HTTP at `POST /__sandbox/faults`. Counted faults apply to the next N API requests.
 */
export interface FaultPlan {
  /** Answer the next `count` requests with `status` (default 503). */
  failNext?: { count: number, status?: number }
  /** Hold the next `count` requests open for `seconds` before answering normally. */
  hangNext?: { count: number, seconds: number }
  /** Answer the next `count` requests with the CRM's own 429/403 rate-limit response. */
  rateLimitNext?: { count: number, retryAfterSeconds?: number }
  /** Added to every request, in milliseconds. */
  latencyMs?: number
  /** Fail the record with one of these keys in the next `times` batch writes that contain it. */
  failRecords?: { keys: string[], times: number }
}

export interface FaultStats {
  requests: number
  failed: number
  hung: number
  rateLimited: number
  recordFailures: number
}

export interface FaultInjector {
  set: (plan: FaultPlan) => void
  reset: () => void
  stats: () => FaultStats
  /** Express middleware; `rateLimited` writes the CRM-specific rate-limit response. */
  middleware: (rateLimited: (res: Response, retryAfterSeconds: number) => void) =>
  (req: Request, res: Response, next: NextFunction) => Promise<void>
  /** True when a batch write should fail the record with this key (consumes one use). */
  takeRecordFailure: (key: string) => boolean
  /** Releases every hanging request (call when the sandbox server closes). */
  close: () => void
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

export function createFaultInjector (): FaultInjector {
  let plan: FaultPlan = {}
  let stats: FaultStats = { requests: 0, failed: 0, hung: 0, rateLimited: 0, recordFailures: 0 }
  const recordFailuresLeft = new Map<string, number>()
  // Hanging requests are released when the sandbox closes, so servers shut down promptly.
  const closing = new AbortController()

  function set (next: FaultPlan): void {
    plan = structuredClone(next)
    recordFailuresLeft.clear()
    for (const key of next.failRecords?.keys ?? []) recordFailuresLeft.set(key, next.failRecords?.times ?? 1)
  }

  function take (fault: { count: number } | undefined): boolean {
    if (!fault || fault.count <= 0) return false
    fault.count -= 1
    return true
  }

  return {
    set,
    reset: () => { set({}); stats = { requests: 0, failed: 0, hung: 0, rateLimited: 0, recordFailures: 0 } },
    stats: () => ({ ...stats }),
    close: () => closing.abort(),
    takeRecordFailure (key) {
      const left = recordFailuresLeft.get(key) ?? 0
      if (left <= 0) return false
      recordFailuresLeft.set(key, left - 1)
      stats.recordFailures += 1
      return true
    },
    middleware: (rateLimited) => async (req, res, next) => {
      stats.requests += 1
      if (plan.latencyMs) await sleep(plan.latencyMs)
      if (take(plan.hangNext)) {
        stats.hung += 1
        const released = new AbortController()
        res.on('close', () => released.abort())
        await sleep((plan.hangNext?.seconds ?? 0) * 1000, AbortSignal.any([released.signal, closing.signal]))
        if (res.destroyed) return
      }
      if (take(plan.failNext)) {
        stats.failed += 1
        res.status(plan.failNext?.status ?? 503).json({ status: 'error', message: 'Injected server error' })
        return
      }
      if (take(plan.rateLimitNext)) {
        stats.rateLimited += 1
        rateLimited(res, plan.rateLimitNext?.retryAfterSeconds ?? 1)
        return
      }
      next()
    }
  }
}
