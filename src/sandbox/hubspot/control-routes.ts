import { Router } from 'express'
import type { FaultPlan } from '../fault-injector.ts'
import type { RateLimitSettings } from './rate-limit.ts'

/** What `POST /__sandbox/faults` accepts: a FaultPlan plus the HubSpot-specific switches. */
export interface HubspotFaultRequest extends FaultPlan {
  /** Make the current token answer 401 EXPIRED_AUTHENTICATION until reset or a new token. */
  expireToken?: boolean
  /** Replace the accepted token (also clears an expiry). */
  accessToken?: string
  /** Change the TEN_SECONDLY_ROLLING limit. */
  rateLimit?: RateLimitSettings
}

export interface ControlTarget {
  setFaults: (plan: FaultPlan) => void
  expireToken: () => void
  setAccessToken: (token: string) => void
  setRateLimit: (settings: RateLimitSettings) => void
  dump: () => unknown
  reset: () => void
}

/**
 * Test and demo controls under `/__sandbox` (no auth, not rate limited, not counted), so
 * out-of-process tests can inject faults and read the portal's state over HTTP.
 */
export function createControlRoutes (target: ControlTarget): Router {
  const router = Router()
  router.post('/faults', (req, res) => {
    const { expireToken, accessToken, rateLimit, ...plan } = (req.body ?? {}) as HubspotFaultRequest
    // A body carrying only HubSpot switches leaves the current fault plan alone.
    if (Object.keys(plan).length > 0) target.setFaults(plan)
    if (accessToken) target.setAccessToken(accessToken)
    if (expireToken) target.expireToken()
    if (rateLimit) target.setRateLimit(rateLimit)
    res.json({ ok: true })
  })
  router.get('/state', (_req, res) => { res.json(target.dump()) })
  router.post('/reset', (_req, res) => {
    target.reset()
    res.json({ ok: true })
  })
  return router
}
