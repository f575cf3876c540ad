import type { RecordResult } from '../crm/connector.ts'
import { CrmPermanentError, CrmQuotaSpentError, CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../crm/errors.ts'

/**
 * `skipped`: fields the CRM kept (mapping policy if_empty), see field-ownership.ts.
 * `whole`: the call failed as a whole, not because of the record — `down` (5xx, timeout,
 * connection, credentials, spent quota: the circuit counts these) or `rate-limited`.
 */
export type CallOutcome = { ok: true, crmId: string, skipped?: string[] } | { ok: false, error: string, retryable: boolean, whole?: 'down' | 'rate-limited' }
export type Outcome = { ok: true, crmId: string, hash: string, skipped?: string[] } | Extract<CallOutcome, { ok: false }>

const RATE_LIMIT_RETRIES = 2
// One quick retry for a transient failure (5xx, timeout, reset) before the jobs fail and
// wait for pg-boss's backoff: short blips then cost a second, not a growing delay.
const TRANSIENT_RETRIES = 1

/**
 * Runs one connector write for `keys` and turns every way it can end into per-key
 * outcomes. A 429 pauses the connector's limiter (Retry-After) and is retried here a
 * couple of times, so a rate limit costs waiting rather than job attempts; a transient
 * failure is retried once after a jittered pause; what still fails fails every key
 * (retryable unless the CRM rejected the request).
 */
export async function callCrm (keys: string[], write: () => Promise<RecordResult[]>): Promise<Map<string, CallOutcome>> {
  const outcomes = new Map<string, CallOutcome>()
  if (keys.length === 0) return outcomes
  let rateLimitRetries = 0
  let transientRetries = 0
  for (;;) {
    try {
      for (const result of await write()) outcomes.set(result.key, result)
      for (const key of keys) {
        if (!outcomes.has(key)) outcomes.set(key, { ok: false, error: 'the CRM returned no result for this record', retryable: true })
      }
      return outcomes
    } catch (error) {
      if (error instanceof CrmRateLimitedError) {
        if (rateLimitRetries++ < RATE_LIMIT_RETRIES) continue
      } else if (error instanceof CrmRetryableError && !(error instanceof CrmQuotaSpentError) && transientRetries < TRANSIENT_RETRIES) {
        transientRetries += 1
        await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 500))
        continue
      }
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      const retryable = !(error instanceof CrmPermanentError)
      // Only the CRM's own whole-call failures count against it; an unexpected error is ours.
      const whole = error instanceof CrmRateLimitedError ? 'rate-limited' : error instanceof CrmRetryableError || error instanceof CrmSetupError ? 'down' : undefined
      for (const key of keys) outcomes.set(key, { ok: false, error: message, retryable, ...(whole ? { whole } : {}) })
      return outcomes
    }
  }
}
