import { SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api'
import { contextOf, linksTo, type TraceCarrier } from './carrier.ts'
import { inSpan } from './tracer.ts'

/** What a traced pg-boss job's data carries besides its own fields. */
export interface TracedJobData {
  /** The trace of the delivery that queued the job. */
  trace?: TraceCarrier
  /** Later deliveries whose change this job's run also covers (its enqueue was coalesced). */
  traceLinks?: TraceCarrier[]
}

interface JobLike { id: string, retryCount?: number, data: unknown }

const traced = (job: JobLike): TracedJobData => (job.data ?? {}) as TracedJobData

const messaging = (queue: string): Attributes => ({
  'messaging.system': 'pg-boss', 'messaging.operation.type': 'process', 'messaging.destination.name': queue
})

/** Runs one job's work in a CONSUMER span that continues the trace the job was queued in. */
export function inJobSpan<T> (queue: string, job: JobLike, fn: (span: Span) => Promise<T>): Promise<T> {
  const attributes = { ...messaging(queue), 'messaging.message.id': job.id, 'pgboss.job.retry_count': job.retryCount ?? 0 }
  return inSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes }, fn, contextOf(traced(job).trace))
}

/**
 * Runs a batch of jobs that share one piece of work (one CRM call for many records) in one
 * CONSUMER span: it continues the first job's trace and links to every other delivery the
 * batch covers — other jobs' and the coalesced ones in `traceLinks` — so each delivery's
 * trace can be followed into the shared call.
 */
export function inBatchSpan<T> (queue: string, jobs: JobLike[], fn: (span: Span) => Promise<T>): Promise<T> {
  const first = jobs.find((job) => traced(job).trace !== undefined)
  const parent = contextOf(first && traced(first).trace)
  const carriers = jobs.flatMap((job) => [traced(job).trace, ...(traced(job).traceLinks ?? [])])
  const attributes = {
    ...messaging(queue),
    'messaging.batch.message_count': jobs.length,
    'pgboss.job.retry_count': Math.max(0, ...jobs.map((job) => job.retryCount ?? 0))
  }
  const links = linksTo(carriers, trace.getSpanContext(parent))
  return inSpan(`process ${queue}`, { kind: SpanKind.CONSUMER, attributes, links }, fn, parent)
}
