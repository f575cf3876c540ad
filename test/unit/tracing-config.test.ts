import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redactPath, redactQuery } from '../../src/tracing/redact-url.ts'
import { defaultServiceName, otlpHost, traceUrlTemplate, tracesRequested } from '../../src/tracing/wanted.ts'

test('when no OTEL_* variable is set, then no traces are requested', () => {
  assert.equal(tracesRequested({}), false)
  assert.equal(tracesRequested({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), false, 'settings alone do not switch it on')
})

test('when an OTLP endpoint or an exporter is set, then traces are requested, unless disabled or `none`', () => {
  assert.equal(tracesRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true)
  assert.equal(tracesRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true)
  assert.equal(tracesRequested({ OTEL_TRACES_EXPORTER: 'console' }), true)
  assert.equal(tracesRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false)
  assert.equal(tracesRequested({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }), false)
})

test('when the OTLP endpoint is set, then its host is the one checked; other exporters have none', () => {
  assert.equal(otlpHost({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317' }), 'otel-collector')
  assert.equal(otlpHost({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/v1/traces' }), 'b')
  assert.equal(otlpHost({ OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1' }), undefined)
  assert.equal(otlpHost({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }), undefined)
})

test('when OTEL_SERVICE_NAME or a service.name resource attribute is set, then no default name overrides it', () => {
  assert.equal(defaultServiceName({}), 'agentclara-crm-sync')
  assert.equal(defaultServiceName({ OTEL_SERVICE_NAME: 'receiver' }), undefined)
  assert.equal(defaultServiceName({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=x' }), undefined)
})

test('when TRACE_UI_URL has the {traceId} placeholder, then trace ids link there; otherwise they do not link', () => {
  assert.equal(traceUrlTemplate({ TRACE_UI_URL: 'http://localhost:16686/trace/{traceId}' })?.('abc'), 'http://localhost:16686/trace/abc')
  assert.equal(traceUrlTemplate({ TRACE_UI_URL: 'javascript:alert(1)//{traceId}' }), undefined)
  assert.equal(traceUrlTemplate({ TRACE_UI_URL: 'http://localhost:16686/' }), undefined)
})

test('when a URL carries a query, then its values are redacted and its names kept', () => {
  assert.equal(redactQuery('q=John+Smith&pii=1'), 'q=REDACTED&pii=REDACTED')
  assert.equal(redactPath('/admin/search?q=%2B15551234567'), '/admin/search?q=REDACTED')
  assert.equal(redactPath('/services/data/v62.0/sobjects'), '/services/data/v62.0/sobjects')
})
