import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

// Boots like workers/main.ts (tracing decision, then the application's modules) in a child
// process that records every @opentelemetry package it resolves.
const BOOT = `
import { registerHooks } from 'node:module'
const loaded = new Set()
registerHooks({ resolve (specifier, context, next) {
  const result = next(specifier, context)
  const name = /node_modules\\/(@opentelemetry\\/[^/]+|import-in-the-middle)\\//.exec(result.url)?.[1]
  if (name) loaded.add(name)
  return result
} })
const { startTracing } = await import('./src/tracing/start-tracing.ts')
const tracing = await startTracing(process.env)
await import('./src/main.ts')
await import('./workers/start-workers.ts')
console.log(JSON.stringify({ tracing: tracing !== undefined, loaded: [...loaded].sort() }))
await tracing?.shutdown()
`

function boot (otel: Record<string, string>): { tracing: boolean, loaded: string[] } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')))
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', BOOT], { env: { ...env, ...otel }, encoding: 'utf8', timeout: 60_000 })
  assert.equal(child.status, 0, child.stderr)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}')
}

test('when no OTEL_* variable is set, then tracing is off and no SDK or instrumentation is loaded', () => {
  const { tracing, loaded } = boot({})
  assert.equal(tracing, false)
  assert.deepEqual(loaded, ['@opentelemetry/api'], 'only the no-op API the code calls into')
})

test('when OTEL_TRACES_EXPORTER names an exporter, then the SDK and the instrumentations are loaded before the app', () => {
  const { tracing, loaded } = boot({ OTEL_TRACES_EXPORTER: 'console' })
  assert.equal(tracing, true)
  for (const name of ['@opentelemetry/sdk-node', '@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-pg', 'import-in-the-middle']) {
    assert.ok(loaded.includes(name), name)
  }
})

test('when the OTLP endpoint\'s host does not resolve (compose without the observability profile), then tracing stays off', () => {
  const { tracing, loaded } = boot({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://no-such-collector.invalid:4318' })
  assert.equal(tracing, false)
  assert.deepEqual(loaded, ['@opentelemetry/api'])
})
