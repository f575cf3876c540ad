import { AsyncLocalStorage } from 'node:async_hooks'
import { Connection } from 'jsforce'
import type { ConnectorDeps } from '../connector.ts'
import type { CallState } from './call-context.ts'
import { createGuardedTransport } from './guarded-transport.ts'
import { createRefreshBudget } from './refresh-budget.ts'

export type SalesforceAuth =
  | { loginUrl: string, clientId: string, clientSecret: string }
  | { instanceUrl: string, accessToken: string }

export type SalesforceConnectionOptions = SalesforceAuth & ConnectorDeps & {
  apiVersion: string
  /** Cap on token re-fetches after a 401 (default 3 per minute). */
  maxTokenRefreshesPerMinute?: number
}

/** Thrown by the refresh function when the refresh budget is used up. */
export class TokenRefreshLimitError extends Error {
  readonly retryAfterMs: number
  constructor (retryAfterMs: number, max: number) {
    super(`Salesforce kept answering 401 INVALID_SESSION_ID to fresh access tokens; stopped after ${max} token refreshes in a minute`)
    this.name = 'TokenRefreshLimitError'
    this.retryAfterMs = retryAfterMs
  }
}

export interface SalesforceConnection {
  conn: Connection
  /** Runs `fn` as one connector call: its HTTP requests see `call` (signal, last status). */
  run: <T>(call: CallState, fn: () => Promise<T>) => Promise<T>
  /** Logs in with client credentials if there is no token yet (no-op with a static token). */
  ensureAuthorised: () => Promise<void>
  /** Why the last token refresh failed (jsforce rewraps it into a plain Error). */
  lastRefreshError: () => Error | undefined
}

/**
 * A real jsforce Connection whose every HTTP call goes through the guarded transport. For the
 * client-credentials flow, which returns no refresh token (jsforce's default refresh would fail
 * with "No refresh token found"), the refresh function logs in again, within a budget.
 */
export function createSalesforceConnection (options: SalesforceConnectionOptions): SalesforceConnection {
  const calls = new AsyncLocalStorage<CallState>()
  const transport = createGuardedTransport({ ...options, currentCall: () => calls.getStore() })
  const run = <T>(call: CallState, fn: () => Promise<T>) => calls.run(call, fn)

  if ('accessToken' in options) {
    const conn = new Connection({ instanceUrl: options.instanceUrl, accessToken: options.accessToken, version: options.apiVersion })
    conn._transport = transport
    return { conn, run, ensureAuthorised: async () => {}, lastRefreshError: () => undefined }
  }

  const maxRefreshes = options.maxTokenRefreshesPerMinute ?? 3
  const budget = createRefreshBudget({ maxPerMinute: maxRefreshes })
  let login: Promise<void> | undefined
  let refreshError: Error | undefined

  // One login at a time; concurrent callers share it.
  const logIn = (conn: Connection): Promise<void> => {
    login ??= conn.authorize({ grant_type: 'client_credentials' })
      .then(() => {})
      .finally(() => { login = undefined })
    return login
  }

  const conn: Connection = new Connection({
    loginUrl: options.loginUrl,
    version: options.apiVersion,
    oauth2: { loginUrl: options.loginUrl, clientId: options.clientId, clientSecret: options.clientSecret },
    refreshFn: (c, callback) => {
      const allowed = budget.take()
      if (!allowed.ok) {
        refreshError = new TokenRefreshLimitError(allowed.retryAfterMs, maxRefreshes)
        callback(refreshError)
        return
      }
      logIn(c).then(
        () => { refreshError = undefined; callback(null, c.accessToken ?? undefined) },
        (err: Error) => { refreshError = err; callback(err) }
      )
    }
  })
  conn._transport = transport
  conn.oauth2._transport = transport

  return {
    conn,
    run,
    ensureAuthorised: async () => { if (!conn.accessToken) await logIn(conn) },
    lastRefreshError: () => refreshError
  }
}
