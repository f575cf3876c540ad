import type { RequestHandler, Response } from 'express'

export interface ApiLimitOptions {
  /** Requests per rolling 24 hours (Salesforce's DailyApiRequests). */
  daily: number
  /** An extra, short window so tests can hit the limit quickly. */
  shortWindow?: { max: number, windowMs: number }
  now?: () => number
}

export interface ApiUsage {
  middleware: RequestHandler
  usage: () => { used: number, limit: number }
  /** Writes Salesforce's answer to an exhausted limit (also used for injected rate limits). */
  writeLimitExceeded: (res: Response) => void
  reset: () => void
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Counts API requests in rolling windows and reports usage in `Sforce-Limit-Info` on every response. */
export function createApiUsage (options: ApiLimitOptions): ApiUsage {
  const now = options.now ?? Date.now
  let daily: number[] = []
  let short: number[] = []
  const prune = (list: number[], windowMs: number) => {
    const cutoff = now() - windowMs
    while (list.length > 0 && (list[0] ?? 0) <= cutoff) list.shift()
  }
  const usage = () => {
    prune(daily, DAY_MS)
    return { used: daily.length, limit: options.daily }
  }
  const header = (res: Response) => {
    const { used, limit } = usage()
    res.set('Sforce-Limit-Info', `api-usage=${used}/${limit}`)
  }
  const writeLimitExceeded = (res: Response) => {
    header(res)
    res.status(403).json([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }])
  }
  return {
    usage,
    writeLimitExceeded,
    reset: () => { daily = []; short = [] },
    middleware: (_req, res, next) => {
      const { used, limit } = usage()
      const win = options.shortWindow
      if (win) prune(short, win.windowMs)
      if (used >= limit || (win && short.length >= win.max)) {
        writeLimitExceeded(res)
        return
      }
      daily.push(now())
      short.push(now())
      header(res)
      next()
    }
  }
}
