/**
 * The apply stage's input queue. A job names the stored events the apply worker is to turn
 * into mirror changes: all those of one group commit (or one replay) together, since a
 * pg-boss job row per event was a large share of PostgreSQL's work per delivery
 * (docs/benchmarks.md); or one event alone, when that event is retried.
 */
export const APPLY_QUEUE = 'apply-event'

/** A delivery's trace context (W3C traceparent), as src/tracing/carrier.ts writes it. */
type TraceCarrier = Record<string, string>

/** One stored event to apply, with the trace context of its delivery when tracing is on. */
export interface ApplyEventRef {
  id: string
  trace?: TraceCarrier
}

export type ApplyJob =
  | { events: ApplyEventRef[] }
  /** One event: its retry with backoff (it failed or waits for its conversation). */
  | { eventId: string, trace?: TraceCarrier }

/** The events a job names. */
export function eventsOf (job: ApplyJob): ApplyEventRef[] {
  return 'events' in job ? job.events : [{ id: job.eventId, trace: job.trace }]
}

// The apply worker takes 40 jobs at a time (workers/start-workers.ts), so this bounds its
// transaction at 1 000 events; one flush of the inbox, up to 500 events, makes 20 jobs.
export const MAX_EVENTS_PER_APPLY_JOB = 25

/** The jobs that apply these events, in order, at most MAX_EVENTS_PER_APPLY_JOB each. */
export function applyJobsFor (events: ApplyEventRef[]): Array<{ data: ApplyJob }> {
  const jobs: Array<{ data: ApplyJob }> = []
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_APPLY_JOB) {
    jobs.push({ data: { events: events.slice(start, start + MAX_EVENTS_PER_APPLY_JOB) } })
  }
  return jobs
}

// A message whose conversation is not known yet waits here with backoff: ~70 min in all,
// far beyond AgentClara's own 35-minute retry horizon for the missing conversation.
// Workers heartbeat their active jobs: a job whose worker died (SIGKILL, OOM) is retried
// about 30 s later instead of when expireInSeconds runs out.
export const applyQueueOptions = { retryLimit: 14, retryDelay: 1, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 300, heartbeatSeconds: 30 } as const
