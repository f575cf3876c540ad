import { context, SpanStatusCode, trace, type Context, type Span, type SpanOptions } from '@opentelemetry/api'

/**
 * The service's tracer. Only `@opentelemetry/api` is loaded here: until an SDK registers
 * (src/tracing/start-tracing.ts, only when OTEL_* asks for it) every span is a no-op.
 */
export const tracer = trace.getTracer('agentclara-crm-sync')

/**
 * Marks a span failed with the error's class name only: error messages can quote what a
 * CRM or the database was sent (names, phone numbers), and spans leave the building.
 */
export function recordFailure (span: Span, error: unknown): void {
  const type = error instanceof Error ? error.name : typeof error
  span.setAttribute('error.type', type)
  span.setStatus({ code: SpanStatusCode.ERROR, message: type })
}

/**
 * Runs `fn` in a new span, active for everything `fn` does (database queries, HTTP calls),
 * as a child of `parent` (default: the active context). A throw marks the span failed.
 */
export async function inSpan<T> (name: string, options: SpanOptions, fn: (span: Span) => Promise<T>, parent: Context = context.active()): Promise<T> {
  const span = tracer.startSpan(name, options, parent)
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span))
  } catch (error) {
    recordFailure(span, error)
    throw error
  } finally {
    span.end()
  }
}

/** The context work runs in now, to continue it later (e.g. after a batch-wide step). */
export function activeContext (): Context {
  return context.active()
}

/** Runs `fn` in `ctx`, so what it enqueues carries that trace. */
export function inContext<T> (ctx: Context, fn: () => Promise<T>): Promise<T> {
  return context.with(ctx, fn)
}
