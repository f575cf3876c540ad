import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import type { FaultInjector } from '../fault-injector.ts'
import { createAssociationsBatchReadRoute } from './associations-batch-read.ts'
import { createAssociationsRoutes } from './associations-routes.ts'
import type { SandboxAuth } from './auth.ts'
import { createBatchRoutes } from './batch-routes.ts'
import { createControlRoutes, type ControlTarget } from './control-routes.ts'
import { createErasureRoutes } from './erasure-routes.ts'
import { SandboxHttpError, sendError } from './errors.ts'
import { createObjectsRoutes } from './objects-routes.ts'
import { createPropertiesRoutes } from './properties-routes.ts'
import { writeRateLimited, type SandboxRateLimit } from './rate-limit.ts'
import type { createRequestStats } from './request-stats.ts'
import { createSearchRoutes } from './search-routes.ts'
import type { HubspotStore } from './store.ts'

export interface HubspotAppDeps {
  store: HubspotStore
  auth: SandboxAuth
  rateLimit: SandboxRateLimit
  faults: FaultInjector
  stats: ReturnType<typeof createRequestStats>
  control: ControlTarget
}

/** The sandbox's Express app: controls first, then count → auth → rate limit → faults → API. */
export function createHubspotApp (deps: HubspotAppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: '10mb' }))
  app.use('/__sandbox', createControlRoutes(deps.control))
  app.use(deps.stats.middleware)
  app.use(deps.auth.middleware)
  app.use(deps.rateLimit.middleware)
  app.use(deps.faults.middleware(writeRateLimited))
  // Search and batch come before the `/{type}/{id}` routes they would otherwise shadow.
  app.use(createSearchRoutes(deps.store))
  app.use(createBatchRoutes(deps.store, deps.faults))
  app.use(createErasureRoutes(deps.store))
  app.use(createObjectsRoutes(deps.store))
  app.use(createPropertiesRoutes(deps.store))
  app.use(createAssociationsRoutes(deps.store))
  app.use(createAssociationsBatchReadRoute(deps.store))
  app.use((req: Request, res: Response) => {
    sendError(res, 404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path} in the HubSpot sandbox`)
  })
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof SandboxHttpError) {
      res.status(err.status).json(err.body)
      return
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      sendError(res, 400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1: the body is not valid JSON')
      return
    }
    sendError(res, 500, 'INTERNAL_ERROR', `Sandbox error: ${err instanceof Error ? err.message : String(err)}`)
  })
  return app
}
