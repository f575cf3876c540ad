import type { NextFunction, Request, Response } from 'express'

export interface RequestStats {
  total: number
  /** Count per HTTP status code of every API response, e.g. { "200": 3, "429": 1 }. */
  byStatus: Record<string, number>
  rateLimited: number
  /** Count per "METHOD /path" as requested, e.g. "POST /crm/v3/objects/contacts/batch/upsert". */
  byRoute: Record<string, number>
}

/** Counts API requests and their outcomes so tests can assert "two calls", "one 429". */
export function createRequestStats (): {
  middleware: (req: Request, res: Response, next: NextFunction) => void
  snapshot: () => RequestStats
  reset: () => void
} {
  let stats: RequestStats = { total: 0, byStatus: {}, rateLimited: 0, byRoute: {} }
  return {
    snapshot: () => structuredClone(stats),
    reset () { stats = { total: 0, byStatus: {}, rateLimited: 0, byRoute: {} } },
    middleware (req, res, next) {
      const route = `${req.method} ${req.path}`
      stats.total += 1
      stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1
      res.on('finish', () => {
        const status = String(res.statusCode)
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1
        if (res.statusCode === 429) stats.rateLimited += 1
      })
      next()
    }
  }
}
