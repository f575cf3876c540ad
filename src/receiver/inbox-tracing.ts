import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api'
import { carrierOf, traceIdOf, type TraceCarrier } from '../tracing/carrier.ts'
import { inSpan, tracer } from '../tracing/tracer.ts'
import type { InboxRow } from './inbox-row.ts'

/** One delivery's span from handing its row to the inbox until its commit (child of the HTTP request). */
export function startStoreSpan (row: InboxRow): Span {
  return tracer.startSpan('inbox store', { attributes: { 'agentclara.event_type': row.eventType ?? '(none)', 'inbox.status': row.status } })
}

/** What a delivery's row and apply job carry of its trace (nothing when tracing is off). */
export function deliveryTrace (span: Span): { traceId: string | null, carrier: TraceCarrier | undefined } {
  const ctx = trace.setSpan(ROOT_CONTEXT, span)
  return { traceId: traceIdOf(ctx) ?? null, carrier: carrierOf(ctx) }
}

/**
 * One group commit serves many deliveries, each with its own trace: its span continues the
 * first delivery's trace and links to the others, and each of them links back to it.
 */
export function inCommitSpan<T> (storeSpans: Span[], fn: () => Promise<T>): Promise<T> {
  const [first, ...others] = storeSpans
  const links = others.map((span) => ({ context: span.spanContext() })).filter((link) => trace.isSpanContextValid(link.context))
  return inSpan('inbox commit', { attributes: { 'inbox.rows': storeSpans.length }, links }, (span) => {
    for (const other of others) other.addLink({ context: span.spanContext() })
    return fn()
  }, first ? trace.setSpan(ROOT_CONTEXT, first) : ROOT_CONTEXT)
}
