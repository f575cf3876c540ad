import { readFileSync } from 'node:fs'
import express from 'express'
import type { AdminContext } from './admin-context.ts'
import type { AdminDeps } from './admin-deps.ts'
import { checkCsrf } from './csrf.ts'
import { deriveKeys, tokenFingerprint } from './keys.ts'
import { createLoginThrottle, DEFAULT_LOGIN_LIMITS } from './login-throttle.ts'
import { requireSession } from './require-session.ts'
import { activityRoutes } from './routes/activity.ts'
import { customersRoutes } from './routes/customers.ts'
import { dataRoutes } from './routes/data.ts'
import { deadLettersRoutes } from './routes/dead-letters.ts'
import { deliveriesRoutes } from './routes/deliveries.ts'
import { loginRoutes, logoutRoute } from './routes/login.ts'
import { mappingRoutes } from './routes/mapping.ts'
import { queuesRoutes } from './routes/queues.ts'
import { replayRoutes } from './routes/replay.ts'
import { searchRoutes } from './routes/search.ts'
import { securityHeaders } from './security-headers.ts'
import { SESSION_SECONDS } from './session.ts'
import { createSessionStore } from './session-store.ts'
import { createRenderer } from './views.ts'

export type { AdminCrm, AdminDeps } from './admin-deps.ts'

export const DEFAULT_SESSION_IDLE_MINUTES = 30

const css = readFileSync(new URL('./admin.css', import.meta.url))

/**
 * The operator dashboard, under /admin: deliveries, customers, dead letters with replay,
 * and queue depth. Returns a router that owns the `/admin` prefix itself, so it can be
 * passed to `createApp({ routers: [...] })` (or `app.use(...)`) as it is.
 */
export function createAdminRouter (deps: AdminDeps): express.Router {
  if (!deps.adminToken) throw new Error('createAdminRouter: adminToken is required')
  const secure = deps.secureCookies ?? false
  const keys = deriveKeys(deps.adminToken)
  const crmNames = deps.crms.map((crm) => crm.name)
  const now = deps.now ?? Date.now
  const sessions = createSessionStore({
    pool: deps.pool,
    tokenFingerprint: tokenFingerprint(deps.adminToken),
    idleMs: (deps.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES) * 60_000,
    absoluteMs: SESSION_SECONDS * 1000
  })
  const ctx: AdminContext = {
    deps,
    keys,
    secure,
    crmNames,
    sessions,
    loginThrottle: createLoginThrottle(now, { ...DEFAULT_LOGIN_LIMITS, ...deps.loginLimits }),
    now,
    render: createRenderer({ keys, crms: crmNames, secure, traceUrl: deps.traceUrl })
  }

  const admin = express.Router()
  admin.use(securityHeaders)
  admin.get('/admin.css', (_req, res) => { res.type('css').send(css) })
  // Form bodies only here; the webhook route keeps its raw bytes.
  admin.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }))
  admin.use(loginRoutes(ctx))
  admin.use(requireSession(ctx))
  admin.use(checkCsrf(keys.csrf))
  admin.use(logoutRoute(ctx))
  admin.use(deliveriesRoutes(ctx))
  admin.use(customersRoutes(ctx))
  admin.use(deadLettersRoutes(ctx))
  admin.use(replayRoutes(ctx))
  admin.use(queuesRoutes(ctx))
  admin.use(dataRoutes(ctx))
  admin.use(mappingRoutes(ctx))
  admin.use(activityRoutes(ctx))
  admin.use(searchRoutes(ctx))
  admin.use((req, res) => ctx.render(req, res, 'not-found', { title: 'Not found', what: 'page' }, 404))
  admin.use(adminErrorHandler(ctx))

  const router = express.Router()
  router.use('/admin', admin)
  return router
}

/** HTML errors inside the dashboard; body-parser errors keep their 4xx status. */
function adminErrorHandler (ctx: AdminContext): express.ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500
    if (status >= 500) ctx.deps.logger.error({ err: error, path: req.path }, 'admin: request failed')
    if (res.headersSent) return
    res.status(status).type('text/plain').send(status >= 500 ? 'Internal error: see the service log.' : 'Bad request.')
  }
}
