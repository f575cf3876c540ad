import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'

export interface RateLimitSettings { max: number, intervalMs: number }

const DAILY_MAX = 250_000

/**
 * HubSpot's TEN_SECONDLY_ROLLING limit: at most `max` requests per token in any rolling
 * `intervalMs`. Every API response carries the rate-limit headers real HubSpot sends.
 */
export interface SandboxRateLimit {
  middleware: (req: Request, res: Response, next: NextFunction) => void
  set: (settings: RateLimitSettings) => void
  settings: () => RateLimitSettings
  reset: () => void
}

/** HubSpot's 429 body; also used for injected rate limits. */
export function writeRateLimited (res: Response, retryAfterSeconds: number): void {
  res.set('Retry-After', String(retryAfterSeconds))
  res.status(429).json({
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'TEN_SECONDLY_ROLLING',
    groupName: 'publicapi:private-app:sandbox'
  })
}

export function createSandboxRateLimit (initial: RateLimitSettings, now: () => number = Date.now): SandboxRateLimit {
  let settings = { ...initial }
  let windows = new Map<string, number[]>()
  let daily = new Map<string, number>()

  return {
    set (next) { settings = { ...next } },
    settings: () => ({ ...settings }),
    reset () { settings = { ...initial }; windows = new Map(); daily = new Map() },
    middleware (req, res, next) {
      const key = req.get('authorization') ?? ''
      const t = now()
      const sent = (windows.get(key) ?? []).filter((at) => at > t - settings.intervalMs)
      windows.set(key, sent)
      const usedToday = daily.get(key) ?? 0
      const allowed = sent.length < settings.max
      if (allowed) {
        sent.push(t)
        daily.set(key, usedToday + 1)
      }
      res.set({
        'X-HubSpot-RateLimit-Max': String(settings.max),
        'X-HubSpot-RateLimit-Remaining': String(Math.max(0, settings.max - sent.length)),
        'X-HubSpot-RateLimit-Interval-Milliseconds': String(settings.intervalMs),
        'X-HubSpot-RateLimit-Daily': String(DAILY_MAX),
        'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, DAILY_MAX - (daily.get(key) ?? 0)))
      })
      if (allowed) {
        next()
        return
      }
      // Rejected requests do not use up the window; the oldest request frees the next slot.
      const waitMs = (sent[0] ?? t) + settings.intervalMs - t
      writeRateLimited(res, Math.max(1, Math.ceil(waitMs / 1000)))
    }
  }
}
