import type { IncomingMessage } from 'node:http'
import type { RequestOptions } from 'node:https'
import { redactPath, redactQuery } from './redact-url.ts'

/** Modules the ESM loader hook must intercept; see start-tracing.ts. */
export const ESM_HOOKED_MODULES = ['express']

// Scrapes and probes every few seconds would bury the traces that matter.
const UNTRACED_PATHS = /^\/(?:metrics|healthz|readyz)(?:[/?]|$)/

function incomingAttributes (request: IncomingMessage) {
  const at = request.url?.indexOf('?') ?? -1
  return at === -1 ? {} : { 'url.query': redactQuery(request.url?.slice(at + 1) ?? '') }
}

function outgoingAttributes (options: RequestOptions) {
  const path = options.path ?? '/'
  if (!path.includes('?')) return {}
  const port = options.port !== undefined && options.port !== null && ![80, 443].includes(Number(options.port)) ? `:${options.port}` : ''
  return { 'url.full': `${options.protocol ?? 'http:'}//${options.hostname ?? options.host ?? 'localhost'}${port}${redactPath(path)}` }
}

/**
 * The auto-instrumentations, loaded only when tracing is on: HTTP in and out (the webhook, the
 * dashboard, every CRM call — the HubSpot SDK and jsforce both use node:http), express routes,
 * and pg queries (parameterised text only; values are never recorded). Query strings are
 * redacted and queries outside a traced operation (pg-boss polling) make no spans.
 */
export async function createInstrumentations () {
  const [{ HttpInstrumentation }, { ExpressInstrumentation, ExpressLayerType }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg')
  ])
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      requireParentforOutgoingSpans: true,
      startIncomingSpanHook: incomingAttributes,
      startOutgoingSpanHook: outgoingAttributes
    }),
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    new PgInstrumentation({ requireParentSpan: true })
  ]
}
