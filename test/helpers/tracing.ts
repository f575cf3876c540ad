import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace'
import { startTracing } from '../../src/tracing/start-tracing.ts'

/**
 * The service's real tracing set-up (SDK, auto-instrumentations, loader hook) with an
 * in-memory exporter. Like workers/main.ts, call it before the application's modules are
 * imported, then import them dynamically.
 */
export async function startTestTracing () {
  const exporter = new InMemorySpanExporter()
  const tracing = await startTracing({}, { spanProcessors: [new SimpleSpanProcessor({ exporter })] })
  if (!tracing) throw new Error('tracing did not start')
  return { exporter, shutdown: tracing.shutdown }
}

export const spansOf = (exporter: InMemorySpanExporter, traceId: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId)

/** The chain of parents of `span` within `spans`, nearest first. */
export function ancestorsOf (span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((item) => [item.spanContext().spanId, item]))
  const chain: ReadableSpan[] = []
  for (let parent = byId.get(span.parentSpanContext?.spanId ?? ''); parent; parent = byId.get(parent.parentSpanContext?.spanId ?? '')) {
    chain.push(parent)
  }
  return chain
}

/** One line per span, indented under its parent: for assertion messages. */
export function outline (spans: ReadableSpan[]): string {
  return spans.map((span) => `${'  '.repeat(ancestorsOf(span, spans).length)}${span.name}`).join('\n')
}
