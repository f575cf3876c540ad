import { createHmac } from 'node:crypto'
import type { RequestHandler } from 'express'
import { safeEqual } from './keys.ts'

/** The hidden form field every admin POST carries. */
export const CSRF_FIELD = '_csrf'

/**
 * A signed double-submit token: the HMAC of something only this browser's cookie holds
 * (the session id, or before login a random nonce). Another site can make the browser
 * send the cookie but cannot read it, so it cannot compute the field.
 */
export function csrfToken (key: Buffer, binding: string): string {
  return createHmac('sha256', key).update(`csrf:${binding}`).digest('base64url')
}

export function csrfValid (key: Buffer, binding: string | undefined, submitted: unknown): boolean {
  if (!binding || typeof submitted !== 'string') return false
  return safeEqual(csrfToken(key, binding), submitted)
}

/** Rejects a POST whose CSRF field does not match the session's token (after requireSession). */
export function checkCsrf (key: Buffer): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next()
    const sid = (res.locals.session as { sid: string } | undefined)?.sid
    if (!csrfValid(key, sid, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD])) {
      res.status(403).type('text/plain').send('Forbidden: invalid or missing CSRF token. Reload the page and try again.')
      return
    }
    next()
  }
}
