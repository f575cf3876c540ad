import express from 'express'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics.ts'
import { errorHandler } from './error-handler.ts'

export interface AdminAppDeps {
  logger: Logger
  metrics: Metrics
  /** The dashboard router(s); none in a worker process, which still serves /metrics. */
  routers: express.Router[]
}

/**
 * The operator listener's app (ADMIN_PORT): /admin and /metrics, nothing of the webhook.
 * Bound to loopback or an internal interface, so the dashboard is not on the internet.
 */
export function createAdminApp (deps: AdminAppDeps): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics())
  })
  for (const router of deps.routers) app.use(router)
  app.use((_req, res) => { res.status(404).json({ error: 'Not found' }) })
  app.use(errorHandler(deps))
  return app
}
