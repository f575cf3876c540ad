/**
 * The apply stage's input queue: the receiver enqueues one job per stored delivery, the
 * apply worker turns it into mirror changes.
 */
export const APPLY_QUEUE = 'apply-event'

export interface ApplyJob {
  eventId: string
  /** The delivery's trace context (W3C traceparent), when tracing is on. */
  trace?: Record<string, string>
}

// A message whose conversation is not known yet waits here with backoff: ~70 min in all,
// far beyond AgentClara's own 35-minute retry horizon for the missing conversation.
// Workers heartbeat their active jobs: a job whose worker died (SIGKILL, OOM) is retried
// about 30 s later instead of when expireInSeconds runs out.
export const applyQueueOptions = { retryLimit: 14, retryDelay: 1, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 300, heartbeatSeconds: 30 } as const
