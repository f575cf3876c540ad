import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError } from '../errors.ts'

/** The SDK's ApiException, duck-typed: every generated module has its own class. */
export interface ApiFailure { code: number, body: unknown, headers: Record<string, string> }

export function asApiFailure (err: unknown): ApiFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined
  const candidate = err as Partial<ApiFailure>
  return typeof candidate.code === 'number' && 'body' in candidate
    ? { code: candidate.code, body: candidate.body, headers: candidate.headers ?? {} }
    : undefined
}

function bodyMessage (body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500)
  const message = (body as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : 'no error message'
}

/**
 * How long HubSpot asks us to wait: Retry-After (seconds or date); without it, a tenth of
 * the rolling window the headers name — a slot frees as soon as the oldest request in the
 * window ages out, so waiting the whole window would idle for nothing.
 */
export function retryAfterMs (headers: Record<string, string>, now = Date.now()): number {
  const retryAfter = headers['retry-after']
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds'])
  return Number.isFinite(interval) && interval > 0 ? interval / 10 : 1000
}

// 401/403 on a write mean the token expired, was revoked or lost a scope: the record is
// fine, so keep retrying with backoff until an operator fixes the credentials.
const RETRYABLE_4XX = new Set([401, 403, 408, 423, 425])

/**
 * A whole-call failure as the sync worker needs it: 429 → rate limited, 5xx/network/auth →
 * retryable, any other 4xx → permanent (sending it unchanged fails again).
 */
export function toCrmError (label: string, err: unknown): Error {
  const failure = asApiFailure(err)
  if (!failure) {
    const reason = err instanceof Error ? err.message : String(err)
    return new CrmRetryableError(`HubSpot ${label} failed: ${reason}`, { cause: err })
  }
  const { code } = failure
  const message = `HubSpot ${label} failed with ${code}: ${bodyMessage(failure.body)}`
  if (code === 429) return new CrmRateLimitedError(message, { status: code, retryAfterMs: retryAfterMs(failure.headers), cause: err })
  if (code >= 500 || code < 400 || RETRYABLE_4XX.has(code)) return new CrmRetryableError(message, { status: code, cause: err })
  return new CrmPermanentError(message, { status: code, cause: err })
}

/** A per-record error inside a 207: validation-like categories will fail again as sent. */
export function isPermanentCategory (category: string | undefined): boolean {
  return category !== undefined && /VALIDATION|CONFLICT|ALREADY_EXISTS|INVALID|DOESNT_EXIST|NOT_FOUND/.test(category)
}
