import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express'
import type { ApiUsage } from './api-limits.ts'
import type { ApiContext } from './api-context.ts'
import { requireSession } from './auth.ts'
import { createCompositeRequestRoutes } from './composite-request-routes.ts'
import { createCompositeRoutes } from './composite-routes.ts'
import { createControlRoutes, type ControlHandlers } from './control-routes.ts'
import { createDeleteRoutes } from './delete-routes.ts'
import { createOAuthRoutes } from './oauth-routes.ts'
import { createQueryRoutes } from './query-routes.ts'
import { SfRequestError, sendSfError } from './sf-errors.ts'
import { createSObjectRoutes } from './sobject-routes.ts'
import type { TokenRegistry } from './token-registry.ts'

export const MIN_API_VERSION = 31
export const MAX_API_VERSION = 63

export interface SandboxAppParts extends ApiContext {
  clientId: string
  clientSecret: string
  tokens: TokenRegistry
  usage: ApiUsage
  stats: { middleware: RequestHandler }
  control: ControlHandlers
}

const versions = () => {
  const list = []
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
    list.push({ label: `API v${v}.0`, url: `/services/data/v${v}.0`, version: `${v}.0` })
  }
  return list
}

const checkVersion: RequestHandler = (req, res, next) => {
  const m = /^v(\d+)\.0$/.exec(String(req.params.version))
  const v = m ? Number(m[1]) : 0
  if (v < MIN_API_VERSION || v > MAX_API_VERSION) {
    sendSfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist')
    return
  }
  next()
}

const errors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) { next(err); return }
  if (err instanceof SfRequestError) {
    sendSfError(res, err.status, err.errorCode, err.message, err.fields)
    return
  }
  const e = err as { type?: string, status?: number, message?: string }
  if (e.type === 'entity.parse.failed') {
    sendSfError(res, 400, 'JSON_PARSER_ERROR', `Unexpected character in the request body: ${e.message ?? ''}`)
    return
  }
  if (e.status === 413) {
    sendSfError(res, 413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body is too large')
    return
  }
  sendSfError(res, 500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${e.message ?? String(err)}`)
}

/**
 * The Express app: control routes, OAuth, then the versioned REST API behind
 * faults → session → version → API limit, in that order.
 */
export function createSandboxApp (parts: SandboxAppParts): Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(parts.stats.middleware)
  app.use(createControlRoutes(parts.control))
  app.use(createOAuthRoutes({ clientId: parts.clientId, clientSecret: parts.clientSecret, tokens: parts.tokens }))
  app.get(['/services/data', '/services/data/'], (_req, res) => { res.json(versions()) })

  const api = express.Router({ mergeParams: true })
  api.use(parts.faults.middleware((res) => parts.usage.writeLimitExceeded(res)))
  api.use(requireSession(parts.tokens))
  api.use(checkVersion)
  api.use(parts.usage.middleware)
  api.use(express.json({ limit: '20mb', type: () => true }))
  api.get('/', (req, res) => {
    const base = `/services/data/${String((req.params as { version?: string }).version)}`
    res.json({ sobjects: `${base}/sobjects`, query: `${base}/query`, queryAll: `${base}/queryAll`, composite: `${base}/composite`, limits: `${base}/limits` })
  })
  api.get('/limits', (_req, res) => {
    const { used, limit } = parts.usage.usage()
    res.json({ DailyApiRequests: { Max: limit, Remaining: Math.max(0, limit - used) } })
  })
  api.use(createSObjectRoutes(parts))
  api.use(createCompositeRoutes(parts))
  api.use(createCompositeRequestRoutes(parts))
  api.use(createDeleteRoutes(parts))
  api.use(createQueryRoutes(parts))
  api.use((_req, res) => { sendSfError(res, 404, 'NOT_FOUND', 'The requested resource does not exist') })
  app.use('/services/data/:version', api)
  app.use(errors)
  return app
}
