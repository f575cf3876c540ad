import { sign } from '../receiver/signature.ts'

export type SendResult =
  | { status: number, ms: number, responseBody: string }
  | { error: string, ms: number }

export interface Sender {
  /** POSTs the body signed with the sender's secret, or with `secret` when given (forgeries). */
  send (body: string, options?: { secret?: string, signal?: AbortSignal }): Promise<SendResult>
}

export interface SenderOptions {
  url: string
  secret: string
  /** Defaults to the global fetch (undici; keeps connections alive). */
  fetch?: typeof fetch
  /** Per request, like the vendor's side of a delivery. Default 10 s. */
  timeoutMs?: number
}

const RESPONSE_EXCERPT = 200

/** Sends deliveries the way AgentClara does: POST JSON, `X-AgentClara-Signature` = hex HMAC of the bytes. */
export function createSender (options: SenderOptions): Sender {
  const doFetch = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    async send (body, sendOptions = {}) {
      const started = performance.now()
      const timeout = AbortSignal.timeout(timeoutMs)
      const signal = sendOptions.signal ? AbortSignal.any([timeout, sendOptions.signal]) : timeout
      try {
        const response = await doFetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'agentclara-crm-sync-simulator',
            'x-agentclara-signature': sign(body, sendOptions.secret ?? options.secret)
          },
          body,
          signal
        })
        // Read the body fully so the keep-alive connection can be reused.
        const text = await response.text()
        return { status: response.status, ms: performance.now() - started, responseBody: text.slice(0, RESPONSE_EXCERPT) }
      } catch (error) {
        return { error: describeError(error, timeout.aborted, timeoutMs), ms: performance.now() - started }
      }
    }
  }
}

function describeError (error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`
  const cause = (error as { cause?: { code?: string, message?: string } }).cause
  if (cause?.code) return cause.code // ECONNREFUSED, ECONNRESET, …
  if (error instanceof Error) return error.name === 'AbortError' ? 'aborted' : (cause?.message ?? error.message)
  return String(error)
}
