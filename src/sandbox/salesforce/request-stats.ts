import type { RequestHandler } from 'express'

/** Counts responses per status code and per "METHOD /path", so tests can see what the client really sent. */
export function createRequestStats () {
  let byStatus: Record<string, number> = {}
  let byRoute: Record<string, number> = {}
  let total = 0
  const middleware: RequestHandler = (req, res, next) => {
    if (!req.path.startsWith('/__sandbox')) {
      const route = `${req.method} ${req.path}`
      res.on('finish', () => {
        total += 1
        byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1
        byRoute[route] = (byRoute[route] ?? 0) + 1
      })
    }
    next()
  }
  return {
    middleware,
    snapshot: () => ({ total, byStatus: { ...byStatus }, byRoute: { ...byRoute } }),
    reset: () => { byStatus = {}; byRoute = {}; total = 0 }
  }
}
