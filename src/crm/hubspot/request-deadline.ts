import { AsyncLocalStorage } from 'node:async_hooks'
import { Agent as HttpAgent, type ClientRequest } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'

/**
 * Per-call deadlines for `@hubspot/api-client`, which has no timeout option and passes no
 * AbortSignal to its transport. Given an `httpAgent`, the SDK sends every request with
 * `http(s).request` through that agent (node_modules/@hubspot/api-client/lib/src/services/
 * http/Transport.js, sendBufferedRequest → sendNodeRequest) instead of global `fetch`, so:
 * - each request is destroyed when the signal of the call it belongs to aborts (the signal
 *   travels through the SDK's promise chain in AsyncLocalStorage);
 * - undici's global dispatcher (which loading jsforce replaces) is not involved at all.
 */
const callSignal = new AsyncLocalStorage<AbortSignal>()

/** Runs `send` so that every HTTP request it makes is aborted when `signal` aborts. */
export function runWithSignal<T> (signal: AbortSignal, send: () => Promise<T>): Promise<T> {
  return callSignal.run(signal, send)
}

type AddRequest = (req: ClientRequest, options: unknown) => void

const asError = (reason: unknown) => reason instanceof Error ? reason : new Error(String(reason))

/**
 * An agent (https or http, matching `baseUrl`) that ties each request to the current call's
 * signal; a request made outside `runWithSignal` still gets `fallbackTimeoutMs`.
 */
export function createDeadlineAgent (baseUrl: string, fallbackTimeoutMs: number): HttpAgent {
  const agent = new URL(baseUrl).protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  // addRequest is the agent's (undocumented but stable) hook that every ClientRequest passes.
  const hook = agent as unknown as { addRequest: AddRequest }
  const addRequest = hook.addRequest.bind(agent)
  hook.addRequest = (req, options) => {
    const signal = callSignal.getStore() ?? AbortSignal.timeout(fallbackTimeoutMs)
    addRequest(req, options)
    if (signal.aborted) {
      req.destroy(asError(signal.reason))
      return
    }
    const abort = () => { req.destroy(asError(signal.reason)) }
    signal.addEventListener('abort', abort, { once: true })
    req.once('close', () => signal.removeEventListener('abort', abort))
  }
  return agent
}
