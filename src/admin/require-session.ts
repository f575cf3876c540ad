import type { RequestHandler } from 'express'
import type { AdminContext } from './admin-context.ts'
import { csrfToken } from './csrf.ts'
import { readSession } from './session.ts'

export const LOGIN_PATH = '/admin/login'

/**
 * Lets a request through only with a live server-side session; pages redirect to the login
 * form, anything else (a POST from a stale tab or a script) gets a plain 401.
 */
export function requireSession (ctx: AdminContext): RequestHandler {
  return async (req, res, next) => {
    const session = await readSession(req, ctx.sessions, ctx.now())
    if (!session) {
      if (req.method === 'GET' || req.method === 'HEAD') res.redirect(302, LOGIN_PATH)
      else res.status(401).type('text/plain').send('Unauthorized: log in first.')
      return
    }
    res.locals.session = session
    res.locals.csrf = csrfToken(ctx.keys.csrf, session.sid)
    next()
  }
}
