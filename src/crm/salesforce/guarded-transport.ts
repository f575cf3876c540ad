import { StreamPromise } from 'jsforce/lib/util/promise.js'
import { Transport } from 'jsforce/lib/transport.js'
import { createLazyStream } from 'jsforce/lib/util/stream.js'
import type { HttpResponse } from 'jsforce/lib/types/common.js'
import type { ConnectorDeps } from '../connector.ts'
import type { CallState } from './call-context.ts'
import { SalesforceTimeoutError } from './timeout-error.ts'

export interface GuardedTransportOptions extends ConnectorDeps {
  /** The state of the connector call this request belongs to, if any. */
  currentCall: () => CallState | undefined
}

function abortedBy (signal: AbortSignal | undefined): { promise: Promise<never>, dispose: () => void } {
  if (!signal) return { promise: new Promise<never>(() => {}), dispose: () => {} }
  let onAbort = () => {}
  const promise = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) }
}

/**
 * jsforce's Transport with what jsforce leaves out, for every HTTP call it makes (API, token,
 * refresh): the rate limiter before, a hard timeout (jsforce's default is 30 minutes and it only
 * covers the wait for headers), no hidden GET retries (they would bypass the limiter; the job
 * level retries), and one `onRequest` report per response or failure.
 */
export function createGuardedTransport (options: GuardedTransportOptions): Transport {
  const transport = new Transport()
  const send = transport.httpRequest.bind(transport)

  transport.httpRequest = (req, requestOptions = {}) => StreamPromise.create(() => {
    const { stream, setStream } = createLazyStream()
    const promise = (async (): Promise<HttpResponse> => {
      const call = options.currentCall()
      await options.limiter.acquire(call?.signal)
      call?.signal?.throwIfAborted()
      if (call) { call.lastStatus = undefined; call.lastHeaders = undefined }

      // jsforce's own timeout aborts the socket; ours also bounds reading the body.
      const inner = send(req, { ...requestOptions, timeout: options.timeoutMs, retry: { maxRetries: 0 } })
      setStream(inner.stream())
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new SalesforceTimeoutError(options.timeoutMs, req.url)), options.timeoutMs)
      })
      const aborted = abortedBy(call?.signal)
      try {
        const response = await Promise.race([inner, timedOut, aborted.promise])
        options.onRequest?.(response.statusCode)
        options.limiter.observe?.(response.headers)
        if (call) { call.lastStatus = response.statusCode; call.lastHeaders = response.headers }
        return response
      } catch (err) {
        const timeout = err instanceof SalesforceTimeoutError || (err as Error | undefined)?.name === 'AbortError'
        options.onRequest?.(timeout ? 'timeout' : 'error')
        if (timeout && !(err instanceof SalesforceTimeoutError) && !call?.signal?.aborted) {
          throw new SalesforceTimeoutError(options.timeoutMs, req.url)
        }
        throw err
      } finally {
        clearTimeout(timer)
        aborted.dispose()
        // An abandoned request may still settle later; nobody is listening any more.
        inner.catch(() => {})
      }
    })()
    return { stream, promise }
  })
  return transport
}
