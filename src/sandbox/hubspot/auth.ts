import type { NextFunction, Request, Response } from 'express'
import { sendError } from './errors.ts'

/**
 * Bearer-token check with HubSpot's 401 bodies. Expiring the token (in-process with
 * `expire()`, or over HTTP with `POST /__sandbox/faults {"expireToken": true}`) makes the
 * current token answer 401 EXPIRED_AUTHENTICATION until `reset()` or a new token is set
 * (`setToken()`, or `POST /__sandbox/faults {"accessToken": "new-token"}`).
 */
export interface SandboxAuth {
  middleware: (req: Request, res: Response, next: NextFunction) => void
  token: () => string
  setToken: (token: string) => void
  expire: () => void
  expired: () => boolean
  reset: () => void
}

export function createSandboxAuth (initialToken: string): SandboxAuth {
  let token = initialToken
  let expiredAt: number | undefined

  return {
    token: () => token,
    setToken (next) { token = next; expiredAt = undefined },
    expire () { expiredAt = Date.now() },
    expired: () => expiredAt !== undefined,
    reset () { token = initialToken; expiredAt = undefined },
    middleware (req, res, next) {
      const header = req.get('authorization') ?? ''
      const match = /^Bearer\s+(.+)$/i.exec(header)
      if (!match || match[1] !== token) {
        sendError(res, 401, 'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview')
        return
      }
      if (expiredAt !== undefined) {
        const seconds = Math.max(0, Math.round((Date.now() - expiredAt) / 1000))
        sendError(res, 401, 'EXPIRED_AUTHENTICATION', `The OAuth token used to make this call expired ${seconds} second(s) ago.`)
        return
      }
      next()
    }
  }
}
