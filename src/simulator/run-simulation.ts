import { setTimeout as sleep } from 'node:timers/promises'
import { planDeliveries, type Delivery, type PlanOptions } from './delivery-plan.ts'
import { retryDelayMs } from './retry-schedule.ts'
import { createSemaphore } from './semaphore.ts'
import { createSender, type SendResult, type Sender } from './sender.ts'
import type { SimEvent } from './sim-event.ts'
import { createTally, type Progress, type SimulationSummary } from './tally.ts'
import { createTokenBucket } from './token-bucket.ts'

export interface SimulationOptions extends PlanOptions {
  url: string
  secret: string
  events: readonly SimEvent[]
  /** Events per second, first attempts only (retries keep the vendor's schedule); 0 = unpaced. */
  rate?: number
  /** Requests in flight at once. Default 10. */
  concurrency?: number
  /** Resend failed deliveries (non-200, or non-401 for forgeries) on the vendor's schedule. */
  retrySchedule?: boolean
  /** Compresses the retry schedule: 0.01 turns 30 min into 18 s. */
  retryScale?: number
  timeoutMs?: number
  /** The secret forged deliveries are signed with. */
  wrongSecret?: string
  fetch?: typeof fetch
  /** Replaces the HTTP sender entirely (tests, benchmarks). */
  sender?: Sender
  /** Stops dispatching and waiting for retries (requests in flight finish); the summary says `interrupted`. */
  signal?: AbortSignal
  onProgress?: (progress: Progress) => void
  progressIntervalMs?: number
  /** Reported in the summary so a run can be reproduced. */
  runId?: string
}

/**
 * Sends the events as AgentClara would (plus the requested duplicates, forgeries and
 * reordering) and reports what came back. Resolves when every delivery has ended.
 */
export async function runSimulation (options: SimulationOptions): Promise<SimulationSummary> {
  const plan = planDeliveries(options.events, options)
  const deliveries = plan.reduce((sum, group) => sum + group.length, 0)
  const retryScale = options.retryScale ?? 1
  const retryEnabled = options.retrySchedule ?? false
  const tally = createTally({
    url: options.url,
    events: options.events.length,
    deliveries,
    retryEnabled,
    retryScale,
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.randomSeed !== undefined ? { randomSeed: String(options.randomSeed) } : {})
  })
  const sender = options.sender ?? createSender({ url: options.url, secret: options.secret, timeoutMs: options.timeoutMs ?? 10_000, ...(options.fetch ? { fetch: options.fetch } : {}) })
  const wrongSecret = options.wrongSecret ?? `not-${options.secret}`
  const semaphore = createSemaphore(options.concurrency ?? 10)
  const bucket = createTokenBucket({ rate: options.rate ?? 0 })
  const signal = options.signal
  // Immediate duplicates wait for their original's first answer (only those originals get a promise).
  const firstAnswers = new Map<number, PromiseWithResolvers<void>>()
  for (const delivery of plan.flat()) {
    if (delivery.duplicate?.timing === 'immediate') firstAnswers.set(delivery.duplicate.of, Promise.withResolvers<void>())
  }
  const answered = (seq: number) => firstAnswers.get(seq)?.resolve()

  const isExpected = (delivery: Delivery, result: SendResult) =>
    'status' in result && result.status === (delivery.badSignature ? 401 : 200)
  // A forgery answered 200 was accepted: resending cannot undo that.
  const isFinal = (delivery: Delivery, result: SendResult) =>
    isExpected(delivery, result) || (delivery.badSignature && 'status' in result && result.status === 200)

  const deliver = async (delivery: Delivery, permitHeld: boolean): Promise<void> => {
    let attempts = 0
    let last: SendResult | undefined
    let exhausted = false
    try {
      if (delivery.duplicate?.timing === 'immediate') {
        await firstAnswers.get(delivery.duplicate.of)?.promise
        await bucket.take(signal)
      }
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) {
          const delay = retryEnabled ? retryDelayMs(attempt, retryScale) : undefined
          if (delay === undefined) {
            exhausted = retryEnabled
            break
          }
          tally.waitingForRetry(1)
          try { await sleep(delay, undefined, { signal }) } finally { tally.waitingForRetry(-1) }
        }
        if (!(attempt === 1 && permitHeld)) await semaphore.acquire()
        if (attempt === 1) tally.deliveryStarted(delivery)
        tally.requestStarted(attempt)
        try {
          // Not aborted by `signal`: a request in flight finishes (bounded by its timeout) and is counted.
          last = await sender.send(delivery.body, delivery.badSignature ? { secret: wrongSecret } : {})
        } finally {
          semaphore.release()
        }
        attempts = attempt
        tally.requestDone(delivery, last)
        if (attempt === 1) answered(delivery.seq)
        if (isFinal(delivery, last)) break
      }
    } catch (error) {
      if (!signal?.aborted) throw error
    } finally {
      answered(delivery.seq)
    }
    tally.settle(delivery, attempts, last, last !== undefined && isExpected(delivery, last), exhausted)
  }

  const report = () => options.onProgress?.(tally.progress())
  const timer = options.onProgress ? setInterval(report, options.progressIntervalMs ?? 250) : undefined
  timer?.unref()
  const running: Array<Promise<void>> = []
  // A group goes out together: one token for the group, so a concurrent duplicate is not paced apart.
  const dispatch = async () => {
    for (const group of plan) {
      let paced = false
      for (const delivery of group) {
        if (signal?.aborted) return
        if (delivery.duplicate?.timing === 'immediate') {
          running.push(deliver(delivery, false))
          continue
        }
        if (!paced) {
          try {
            await bucket.take(signal)
          } catch (error) {
            if (signal?.aborted) return
            throw error
          }
          paced = true
        }
        await semaphore.acquire()
        running.push(deliver(delivery, true))
      }
    }
  }
  try {
    await dispatch()
    await Promise.all(running)
  } finally {
    clearInterval(timer)
  }
  if (signal?.aborted) tally.markInterrupted()
  report()
  return tally.summary()
}
