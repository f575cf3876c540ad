import type { ErrorRequestHandler } from 'express'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics.ts'
import { WEBHOOK_PATH } from '../receiver/webhook-route.ts'

/**
 * The one error middleware. Body-parser errors carry an HTTP status (413 too large, 415
 * unsupported encoding, 400 aborted/bad length); anything else is our bug: 500, logged.
 */
export function errorHandler (deps: { logger: Logger, metrics: Metrics }): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 600 ? error.status : 500
    if (req.path === WEBHOOK_PATH) deps.metrics.deliveries.inc({ outcome: outcomeFor(status) })
    if (status >= 500) deps.logger.error({ err: error, path: req.path }, 'request failed')
    else deps.logger.info({ status, type: error?.type, path: req.path }, 'request rejected')
    if (res.headersSent) return
    res.status(status).json({ error: messageFor(status, error) })
  }
}

function outcomeFor (status: number): string {
  if (status === 413) return 'too_large'
  if (status === 415) return 'unsupported_media_type'
  return status >= 500 ? 'error' : 'bad_request'
}

function messageFor (status: number, error: { type?: string, message?: string }): string {
  if (status === 413) return 'Body too large: the limit is 256 KiB'
  if (status === 415) return error.message ?? 'Unsupported content encoding'
  if (status >= 500) return 'Internal error'
  return error.message ?? 'Bad request'
}
