/**
 * Errors are types, not strings: the sync worker decides retry vs dead-letter by class.
 */

/** The whole CRM call failed in a way that may pass on retry (5xx, timeout, network, 429). */
export class CrmRetryableError extends Error {
  readonly retryAfterMs: number | undefined
  readonly status: number | undefined
  constructor (message: string, options: { status?: number, retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'CrmRetryableError'
    this.status = options.status
    this.retryAfterMs = options.retryAfterMs
  }
}

/** The CRM said "slow down" (HubSpot 429, Salesforce REQUEST_LIMIT_EXCEEDED). */
export class CrmRateLimitedError extends CrmRetryableError {
  constructor (message: string, options: { status?: number, retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, options)
    this.name = 'CrmRateLimitedError'
  }
}

/**
 * This app's daily API budget for the CRM (or the account's whole quota) is spent: the
 * CRM is unusable for a while, as if it were down, so the circuit opens and no record
 * spends attempts (or dies) waiting for tomorrow's quota.
 */
export class CrmQuotaSpentError extends CrmRetryableError {
  constructor (message: string, options: { retryAfterMs?: number, cause?: unknown } = {}) {
    super(message, options)
    this.name = 'CrmQuotaSpentError'
  }
}

/** The CRM rejected the request itself; sending it again unchanged will fail again (4xx). */
export class CrmPermanentError extends Error {
  readonly status: number | undefined
  constructor (message: string, options: { status?: number, cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'CrmPermanentError'
    this.status = options.status
  }
}

/** The CRM account is not set up for us (missing fields, bad credentials): disable the connector. */
export class CrmSetupError extends Error {
  constructor (message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause })
    this.name = 'CrmSetupError'
  }
}
