import type express from 'express'
import { createApp, type AppDeps } from './create-app.ts'
import { createAdminApp } from './create-admin-app.ts'

export interface HttpApps {
  /** The webhook and /healthz /readyz; also /admin and /metrics unless `admin` exists. */
  public: express.Express
  /** With ADMIN_PORT: /admin and /metrics, served only here. */
  admin?: express.Express
}

/** One app for everything, or (ADMIN_PORT set) the public app and the operator app apart. */
export function createHttpApps (deps: AppDeps & { separateAdmin: boolean }): HttpApps {
  const { separateAdmin, routers = [], ...appDeps } = deps
  if (!separateAdmin) return { public: createApp({ ...appDeps, routers }) }
  return {
    public: createApp({ ...appDeps, routers: [], serveMetrics: false }),
    admin: createAdminApp({ logger: deps.logger, metrics: deps.metrics, routers })
  }
}
