import { context, propagation, ROOT_CONTEXT, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api'

/**
 * A trace context written into a pg-boss job's data (W3C `traceparent`, `tracestate`), so
 * the job's work continues the trace of the delivery that caused it. Baggage is left out:
 * job data outlives the request and is shown on the dashboard.
 */
export type TraceCarrier = Record<string, string>

/** The carrier of `ctx` (default: the active context); undefined when nothing is traced. */
export function carrierOf (ctx: Context = context.active()): TraceCarrier | undefined {
  // Without an SDK the global propagator is a no-op and this stays empty: tracing off costs
  // one empty object per job, and job data keeps its old shape.
  const carrier: TraceCarrier = {}
  propagation.inject(ctx, carrier)
  delete carrier.baggage
  return Object.keys(carrier).length > 0 ? carrier : undefined
}

function isCarrier (value: unknown): value is TraceCarrier {
  return typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
}

/** The remote span a carrier names, if it is a valid one. */
export function spanContextOf (carrier: unknown): SpanContext | undefined {
  if (!isCarrier(carrier)) return undefined
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier))
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined
}

/** A context to start a job's span in: the carrier's trace, or a fresh root. */
export function contextOf (carrier: unknown): Context {
  return isCarrier(carrier) ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT
}

/** Links to each distinct span the carriers name, leaving out `except` (the parent). */
export function linksTo (carriers: unknown[], except?: SpanContext): Link[] {
  const seen = new Set(except ? [except.spanId] : [])
  const links: Link[] = []
  for (const carrier of carriers) {
    const spanContext = spanContextOf(carrier)
    if (!spanContext || seen.has(spanContext.spanId)) continue
    seen.add(spanContext.spanId)
    links.push({ context: spanContext })
  }
  return links
}

/** The trace id of the active (or given) context, for the dashboard; undefined when off. */
export function traceIdOf (ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx)
  return spanContext && trace.isSpanContextValid(spanContext) && spanContext.traceFlags & 1 ? spanContext.traceId : undefined
}
