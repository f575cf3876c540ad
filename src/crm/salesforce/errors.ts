import type { RecordResult } from '../connector.ts'
import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../errors.ts'
import type { CallState } from './call-context.ts'
import { TokenRefreshLimitError } from './connection.ts'
import { SalesforceTimeoutError } from './timeout-error.ts'

/** Record errors that will fail again unchanged: validation, not load or locking. */
const PERMANENT_RECORD_ERRORS = new Set([
  'REQUIRED_FIELD_MISSING', 'INVALID_FIELD', 'INVALID_FIELD_FOR_INSERT_UPDATE', 'DUPLICATE_VALUE',
  'DUPLICATE_EXTERNAL_ID', 'FIELD_INTEGRITY_EXCEPTION', 'MALFORMED_ID', 'STRING_TOO_LONG',
  'INVALID_EMAIL_ADDRESS', 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'INVALID_TYPE_ON_FIELD_IN_RECORD',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'INVALID_CROSS_REFERENCE_KEY', 'MISSING_ARGUMENT', 'INVALID_ID_FIELD'
])

export interface SalesforceRecordError { statusCode?: string, errorCode?: string, message?: string, fields?: string[] }

export function recordFailure (key: string, errors: SalesforceRecordError[]): Extract<RecordResult, { ok: false }> {
  const codes = errors.map((e) => e.statusCode ?? e.errorCode ?? 'UNKNOWN_EXCEPTION')
  const error = errors.length === 0
    ? 'Salesforce reported a failure without details'
    : errors.map((e, i) => `${codes[i]}: ${e.message ?? ''}${e.fields?.length ? ` [${e.fields.join(', ')}]` : ''}`).join('; ')
  return { key, ok: false, error, retryable: !codes.some((code) => PERMANENT_RECORD_ERRORS.has(code)) }
}

export interface ErrorContext {
  call: CallState
  /** The error behind jsforce's "Unable to refresh session due to: …" wrapper. */
  refreshError: Error | undefined
  /** How long to pause after REQUEST_LIMIT_EXCEEDED when no Retry-After is given. */
  rateLimitPauseMs: number
}

/** Statuses that say "try again later" rather than "this request is wrong": 5xx, 420 and 429. */
export function retryableStatus (status: number): boolean {
  return status >= 500 || status === 420 || status === 429
}

// OAuth errors from the token endpoint carry the OAuth error code as their name (oauth2.js _postParams).
const isOAuthError = (err: Error) => /^[a-z_]+$/.test(err.name)

/** Maps a failed jsforce call to the sync worker's error types. */
export function toCrmError (err: unknown, ctx: ErrorContext): Error {
  if (err instanceof CrmRetryableError || err instanceof CrmPermanentError || err instanceof CrmSetupError) return err
  if (ctx.call.signal?.aborted && err === ctx.call.signal.reason) return err as Error
  const error = err instanceof Error ? err : new Error(String(err))
  if (error instanceof SalesforceTimeoutError) return new CrmRetryableError(error.message, { cause: error })

  const cause = error.message.startsWith('Unable to refresh session') && ctx.refreshError ? ctx.refreshError : error
  if (cause instanceof SalesforceTimeoutError) return new CrmRetryableError(cause.message, { cause })
  if (cause instanceof TokenRefreshLimitError) {
    return new CrmRetryableError(cause.message, { status: 401, retryAfterMs: cause.retryAfterMs, cause })
  }
  if (isOAuthError(cause)) {
    return new CrmSetupError(`Salesforce login failed (${cause.name}: ${cause.message}); check SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET and SALESFORCE_LOGIN_URL`, { cause })
  }

  const status = ctx.call.lastStatus
  const code = (error as { errorCode?: string }).errorCode ?? ''
  const detail = `${code ? `${code}: ` : ''}${error.message}`
  if (status === undefined) return new CrmRetryableError(`Salesforce request failed: ${detail}`, { cause: error })
  if (status === 401) {
    return new CrmSetupError(`Salesforce rejected the access token (${detail}); check the Salesforce credentials`, { cause: error })
  }
  if (status === 403 && code === 'REQUEST_LIMIT_EXCEEDED') {
    const retryAfter = Number(ctx.call.lastHeaders?.['retry-after'])
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : ctx.rateLimitPauseMs
    return new CrmRateLimitedError(`Salesforce API request limit exceeded (${error.message})`, { status, retryAfterMs, cause: error })
  }
  if (status === 403 && code === 'API_DISABLED_FOR_ORG') {
    return new CrmSetupError(`The Salesforce org does not allow API access (${detail})`, { cause: error })
  }
  if (retryableStatus(status)) {
    return new CrmRetryableError(`Salesforce answered ${status}: ${detail}`, { status, cause: error })
  }
  return new CrmPermanentError(`Salesforce answered ${status}: ${detail}`, { status, cause: error })
}
