import { lookup } from 'node:dns/promises'
import { defaultServiceName, otlpHost, tracesRequested } from './wanted.ts'

export interface Tracing {
  shutdown: () => Promise<void>
}

type NodeSdkOptions = NonNullable<ConstructorParameters<typeof import('@opentelemetry/sdk-node').NodeSDK>[0]>

/**
 * Starts OpenTelemetry tracing when the standard OTEL_* variables ask for it (see wanted.ts),
 * and returns undefined — having loaded nothing but this file — when they do not.
 *
 * Call it before the application's modules are imported (workers/main.ts imports main.ts
 * dynamically after it). The SDK itself reads the OTEL_* variables (exporter, OTLP protocol
 * and endpoint, OTEL_BSP_* batching, sampler, resource). Only traces: metrics stay on
 * Prometheus and logs on pino.
 *
 * ESM: the HTTP and pg instrumentations patch CommonJS internals through require hooks, but
 * express is imported from ES modules, which only a loader hook can intercept. Instead of
 * `node --import …`, the loader is registered here, in-thread (`module.registerHooks`, via
 * import-in-the-middle's register-hooks.mjs, Node ≥ 24.11.1), limited to the modules that
 * need it, so no flag differs between tracing on and off.
 *
 * `spanProcessors` replaces the exporter from the environment (tests: an in-memory exporter).
 */
export async function startTracing (env: Record<string, string | undefined>, options: { spanProcessors?: NodeSdkOptions['spanProcessors'] } = {}): Promise<Tracing | undefined> {
  if (!options.spanProcessors) {
    if (!tracesRequested(env)) return undefined
    // Lets one compose file carry the collector's address for everyone: without the
    // observability profile the collector's name does not resolve and tracing stays off.
    const host = otlpHost(env)
    if (host && !(await lookup(host).then(() => true, () => false))) {
      console.warn(`tracing off: the OTLP endpoint's host "${host}" does not resolve`)
      return undefined
    }
  }
  const [{ register }, { NodeSDK }, { createInstrumentations, ESM_HOOKED_MODULES }] = await Promise.all([
    import('import-in-the-middle/register-hooks.mjs'),
    import('@opentelemetry/sdk-node'),
    import('./instrumentations.ts')
  ])
  register({ include: ESM_HOOKED_MODULES })
  const sdk = new NodeSDK({
    serviceName: defaultServiceName(env),
    instrumentations: await createInstrumentations(),
    spanProcessors: options.spanProcessors,
    metricReaders: [],
    logRecordProcessors: []
  })
  sdk.start()
  return { shutdown: () => sdk.shutdown() }
}
