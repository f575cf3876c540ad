import type { RequestHandler } from 'express'
import { sendSfError } from './sf-errors.ts'
import type { TokenRegistry } from './token-registry.ts'

/** Every versioned API call needs a live bearer token; jsforce refreshes on this exact 401. */
export function requireSession (tokens: TokenRegistry): RequestHandler {
  return (req, res, next) => {
    const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.get('authorization') ?? '')
    if (!match?.[1] || !tokens.isValid(match[1])) {
      sendSfError(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid')
      return
    }
    next()
  }
}
