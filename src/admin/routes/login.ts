import { randomBytes } from 'node:crypto'
import express from 'express'
import type { AdminContext } from '../admin-context.ts'
import { clearCookie, readCookie, setCookie } from '../cookies.ts'
import { CSRF_FIELD, csrfToken, csrfValid } from '../csrf.ts'
import { safeEqual } from '../keys.ts'
import type { LoginVerdict } from '../login-throttle.ts'
import { endSession, readSession, startSession } from '../session.ts'

// Before login there is no session to bind the CSRF token to: a random nonce in its own
// cookie plays that part, so another site cannot log a browser into our dashboard.
const LOGIN_NONCE_COOKIE = 'admin_login'
const LOGIN_NONCE_SECONDS = 60 * 60

/** GET/POST /admin/login: the only admin routes open without a session. */
export function loginRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()

  const showForm = (req: express.Request, res: express.Response, status: number, error?: string) => {
    const nonce = randomBytes(16).toString('base64url')
    setCookie(res, LOGIN_NONCE_COOKIE, nonce, { maxAgeSeconds: LOGIN_NONCE_SECONDS, secure: ctx.secure })
    res.locals.csrf = csrfToken(ctx.keys.csrf, `login:${nonce}`)
    ctx.render(req, res, 'login', { title: 'Log in', error }, status)
  }

  router.get('/login', async (req, res) => {
    if (await readSession(req, ctx.sessions, ctx.now())) return res.redirect(302, '/admin')
    showForm(req, res, 200)
  })

  router.post('/login', async (req, res) => {
    // Before anything else: while locked out, even the right token gets no answer about itself.
    const verdict = ctx.loginThrottle.check(req.ip)
    if (!verdict.allowed) {
      ctx.deps.logger.warn({ ip: req.ip, scope: verdict.scope }, 'admin: login refused, too many failures')
      res.set('Retry-After', String(Math.ceil(verdict.retryAfterMs / 1000)))
      showForm(req, res, 429, lockoutMessage(verdict))
      return
    }
    const nonce = readCookie(req, LOGIN_NONCE_COOKIE)
    const body = (req.body ?? {}) as Record<string, unknown>
    if (!csrfValid(ctx.keys.csrf, nonce ? `login:${nonce}` : undefined, body[CSRF_FIELD])) {
      res.status(403).type('text/plain').send('Forbidden: invalid or missing CSRF token. Reload the login page and try again.')
      return
    }
    const token = typeof body.token === 'string' ? body.token : ''
    if (!safeEqual(token, ctx.deps.adminToken)) {
      ctx.loginThrottle.failed(req.ip)
      ctx.deps.logger.warn({ ip: req.ip }, 'admin: login failed')
      showForm(req, res, 401, 'That token is not right.')
      return
    }
    ctx.loginThrottle.succeeded(req.ip)
    clearCookie(res, LOGIN_NONCE_COOKIE, ctx.secure)
    await ctx.sessions.purge(ctx.now())
    await startSession(res, ctx.sessions, ctx.secure, ctx.now())
    ctx.deps.logger.info({ ip: req.ip }, 'admin: logged in')
    res.redirect(303, '/admin')
  })

  return router
}

/** POST /admin/logout (behind requireSession and the CSRF check). */
export function logoutRoute (ctx: AdminContext): express.Router {
  const router = express.Router()
  router.post('/logout', async (req, res) => {
    await endSession(req, res, ctx.sessions, ctx.secure)
    ctx.deps.logger.info({ ip: req.ip }, 'admin: logged out')
    res.redirect(303, '/admin/login')
  })
  return router
}

function lockoutMessage (verdict: Exclude<LoginVerdict, { allowed: true }>): string {
  const seconds = Math.ceil(verdict.retryAfterMs / 1000)
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
  return verdict.scope === 'address'
    ? `Too many failed logins from your address. Try again in ${wait}.`
    : `Too many failed logins to this dashboard, so logins are paused for ${wait}. Sessions already open keep working.`
}
