/**
 * Reads the standard OpenTelemetry variables the way the SDK will, to decide whether to load
 * it at all: with none of them set, tracing is off and no SDK code is loaded.
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
type Env = Record<string, string | undefined>

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== ''

function exporters (env: Env): string[] {
  return (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean)
}

/** Traces are wanted when an exporter is named (other than `none`) or an OTLP endpoint is set. */
export function tracesRequested (env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  const named = exporters(env)
  if (named.includes('none')) return false
  if (named.length > 0) return true
  return set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_ENDPOINT)
}

/** The host the OTLP trace exporter will send to, when it is configured by endpoint. */
export function otlpHost (env: Env): string | undefined {
  const named = exporters(env)
  if (named.length > 0 && !named.includes('otlp')) return undefined
  const endpoint = [env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, env.OTEL_EXPORTER_OTLP_ENDPOINT].find(set)
  if (!endpoint) return undefined
  try {
    return new URL(endpoint.trim()).hostname.replace(/^\[|\]$/g, '') || undefined
  } catch {
    return undefined
  }
}

/** The default service name, unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names one. */
export function defaultServiceName (env: Env): string | undefined {
  if (set(env.OTEL_SERVICE_NAME) || /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '')) return undefined
  return 'agentclara-crm-sync'
}

/**
 * TRACE_UI_URL (e.g. `http://localhost:16686/trace/{traceId}`): where the dashboard links a
 * trace id to. Undefined when unset or not an http(s) URL with the placeholder.
 */
export function traceUrlTemplate (env: Env): ((traceId: string) => string) | undefined {
  const template = env.TRACE_UI_URL?.trim()
  if (!template || !/^https?:\/\//.test(template) || !template.includes('{traceId}')) return undefined
  return (traceId) => template.replace('{traceId}', encodeURIComponent(traceId))
}
