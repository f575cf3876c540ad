import express from 'express'
import type pg from 'pg'
import type { Logger } from 'pino'
import { errorHandler } from './error-handler.ts'
import { healthRouter } from './health-routes.ts'
import type { Metrics } from '../metrics.ts'
import type { Inbox } from '../receiver/inbox.ts'
import { webhookRouter } from '../receiver/webhook-route.ts'

export interface AppDeps {
  pool: pg.Pool
  /** The webhook route's inbox and secrets; a worker process has none (no webhook route). */
  webhook?: { inbox: Inbox, secrets: readonly string[] }
  logger: Logger
  metrics: Metrics
  /** Extra routers mounted before the error handler (admin dashboard, …). */
  routers?: express.Router[]
  /** false when /metrics is served by the admin listener instead (ADMIN_PORT). */
  serveMetrics?: boolean
}

/** The HTTP app, without a port: main.ts listens, supertest drives it directly. */
export function createApp (deps: AppDeps): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  if (deps.webhook) app.use(webhookRouter({ ...deps.webhook, logger: deps.logger, metrics: deps.metrics }))
  app.use(healthRouter(deps))
  if (deps.serveMetrics !== false) {
    app.get('/metrics', async (_req, res) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics())
    })
  }
  for (const router of deps.routers ?? []) app.use(router)
  app.use((_req, res) => { res.status(404).json({ error: 'Not found' }) })
  app.use(errorHandler(deps))
  return app
}
