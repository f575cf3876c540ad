import type { Delivery } from './delivery-plan.ts'
import { percentile } from './percentile.ts'
import type { SendResult } from './sender.ts'

/** What a finished (or interrupted) run reports; `--json` prints exactly this. */
export interface SimulationSummary {
  /** True when every delivery ended as expected: 200 when signed correctly, 401 when forged. */
  ok: boolean
  interrupted: boolean
  url: string
  runId?: string
  randomSeed?: string
  /** Distinct events (before duplicates and forgeries). */
  events: number
  /** Planned deliveries: events + duplicates + forged. */
  deliveries: number
  /** HTTP requests made, retries included. */
  requests: number
  /** Answers per event type and status code ('error' for timeouts and network errors), every request counted. */
  statusByEventType: Record<string, Record<string, number>>
  errors: Record<string, number>
  duplicates: { sent: number, immediate: number, later: number, concurrent: number }
  retries: { enabled: boolean, scale: number, requests: number, recoveredDeliveries: number, gaveUp: number }
  badSignatures: { sent: number, answered401: number }
  /** Correctly signed deliveries that ended in 200. */
  delivered: number
  unexpected: { count: number, samples: UnexpectedOutcome[] }
  latencyMs: { p50: number, p99: number, max: number }
  durationMs: number
  requestsPerSecond: number
}

export interface UnexpectedOutcome {
  seq: number
  type: string
  badSignature: boolean
  duplicate?: string
  attempts: number
  /** Final status code or error. */
  last: string
  responseBody?: string
}

export interface Progress {
  planned: number
  started: number
  settled: number
  inFlight: number
  waitingRetry: number
  requests: number
  unexpected: number
  elapsedMs: number
}

const MAX_SAMPLES = 10

export type Tally = ReturnType<typeof createTally>

/** Counts requests and outcomes while a run goes on; `summary()` freezes them. */
export function createTally (meta: { url: string, events: number, deliveries: number, retryEnabled: boolean, retryScale: number, runId?: string, randomSeed?: string }) {
  const started = performance.now()
  const latencies: number[] = []
  const statusByEventType: Record<string, Record<string, number>> = {}
  const errors: Record<string, number> = {}
  const duplicates = { sent: 0, immediate: 0, later: 0, concurrent: 0 }
  const retries = { enabled: meta.retryEnabled, scale: meta.retryScale, requests: 0, recoveredDeliveries: 0, gaveUp: 0 }
  const badSignatures = { sent: 0, answered401: 0 }
  const samples: UnexpectedOutcome[] = []
  let unexpected = 0
  let delivered = 0
  let requests = 0
  let startedDeliveries = 0
  let settled = 0
  let inFlight = 0
  let waitingRetry = 0
  let interrupted = false

  return {
    deliveryStarted (delivery: Delivery) {
      startedDeliveries++
      if (delivery.badSignature) badSignatures.sent++
      if (delivery.duplicate) {
        duplicates.sent++
        duplicates[delivery.duplicate.timing]++
      }
    },
    requestStarted (attempt: number) {
      requests++
      inFlight++
      if (attempt > 1) retries.requests++
    },
    requestDone (delivery: Delivery, result: SendResult) {
      inFlight--
      latencies.push(result.ms)
      const key = 'status' in result ? String(result.status) : 'error'
      const byStatus = (statusByEventType[delivery.type] ??= {})
      byStatus[key] = (byStatus[key] ?? 0) + 1
      if ('error' in result) errors[result.error] = (errors[result.error] ?? 0) + 1
    },
    waitingForRetry (delta: 1 | -1) { waitingRetry += delta },
    settle (delivery: Delivery, attempts: number, last: SendResult | undefined, expected: boolean, willRetryExhausted: boolean) {
      settled++
      if (expected) {
        if (delivery.badSignature) badSignatures.answered401++
        else delivered++
        if (attempts > 1) retries.recoveredDeliveries++
        return
      }
      unexpected++
      if (willRetryExhausted) retries.gaveUp++
      if (samples.length < MAX_SAMPLES) {
        samples.push({
          seq: delivery.seq,
          type: delivery.type,
          badSignature: delivery.badSignature,
          ...(delivery.duplicate ? { duplicate: `${delivery.duplicate.timing} of #${delivery.duplicate.of}` } : {}),
          attempts,
          last: last === undefined ? 'not sent (interrupted)' : 'status' in last ? String(last.status) : last.error,
          ...(last && 'responseBody' in last ? { responseBody: last.responseBody } : {})
        })
      }
    },
    markInterrupted () { interrupted = true },
    progress (): Progress {
      return { planned: meta.deliveries, started: startedDeliveries, settled, inFlight, waitingRetry, requests, unexpected, elapsedMs: performance.now() - started }
    },
    summary (): SimulationSummary {
      const durationMs = performance.now() - started
      latencies.sort((a, b) => a - b)
      const round = (ms: number) => Math.round(ms * 100) / 100
      return {
        ok: unexpected === 0 && !interrupted,
        interrupted,
        url: meta.url,
        ...(meta.runId ? { runId: meta.runId } : {}),
        ...(meta.randomSeed ? { randomSeed: meta.randomSeed } : {}),
        events: meta.events,
        deliveries: meta.deliveries,
        requests,
        statusByEventType,
        errors,
        duplicates,
        retries,
        badSignatures,
        delivered,
        unexpected: { count: unexpected, samples },
        latencyMs: { p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? 0) },
        durationMs: Math.round(durationMs),
        requestsPerSecond: durationMs > 0 ? Math.round((requests / durationMs) * 1000 * 10) / 10 : 0
      }
    }
  }
}
