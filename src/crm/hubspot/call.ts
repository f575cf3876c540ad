import type { ConnectorDeps } from '../connector.ts'
import { CrmRateLimitedError, CrmRetryableError } from '../errors.ts'
import { runWithSignal } from './request-deadline.ts'
import { asApiFailure, toCrmError } from './to-crm-error.ts'

/** What the SDK's `…WithHttpInfo` methods resolve to. */
export interface HttpInfo<T> { httpStatusCode: number, headers: Record<string, string>, data: T }

export type HubspotCall = <T>(label: string, send: () => Promise<HttpInfo<T>>, signal?: AbortSignal) => Promise<HttpInfo<T>>

function abandonOnAbort<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    if (signal.aborted) onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * Wraps one SDK call: waits for the client-side limiter, bounds the call by `timeoutMs`
 * (and the caller's signal), reports its status, and turns failures into Crm* errors.
 */
export function createHubspotCall (deps: ConnectorDeps): HubspotCall {
  return async (label, send, signal) => {
    await deps.limiter.acquire(signal)
    const timeout = AbortSignal.timeout(deps.timeoutMs)
    const bounded = signal ? AbortSignal.any([timeout, signal]) : timeout
    try {
      // The agent destroys the request on abort; the race below also settles the call at
      // the deadline should anything in the SDK sit between us and the socket.
      const info = await abandonOnAbort(runWithSignal(bounded, send), bounded)
      deps.onRequest?.(info.httpStatusCode)
      deps.limiter.observe?.(info.headers)
      return info
    } catch (err) {
      if (timeout.aborted && !signal?.aborted) {
        deps.onRequest?.('timeout')
        throw new CrmRetryableError(`HubSpot ${label} timed out after ${deps.timeoutMs} ms`, { cause: err })
      }
      if (signal?.aborted) {
        deps.onRequest?.('error')
        throw signal.reason
      }
      const failure = asApiFailure(err)
      deps.onRequest?.(failure ? failure.code : 'error')
      if (failure) deps.limiter.observe?.(failure.headers)
      const mapped = toCrmError(label, err)
      if (mapped instanceof CrmRateLimitedError && mapped.retryAfterMs !== undefined) await deps.limiter.pause(mapped.retryAfterMs)
      throw mapped
    }
  }
}
