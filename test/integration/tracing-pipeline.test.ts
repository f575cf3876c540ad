import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import type { SyncHarness } from '../helpers/sync-harness.ts'
import { ancestorsOf, outline, spansOf, startTestTracing } from '../helpers/tracing.ts'

// Tracing first, then the application's modules (as workers/main.ts does).
const { exporter, shutdown } = await startTestTracing()
const { startSyncHarness } = await import('../helpers/sync-harness.ts')
const { seedEventBody } = await import('../../src/events/seed-events.ts')
const { until } = await import('../helpers/until.ts')

let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(async () => { await h.close(); await shutdown() })

async function traceIdOfDelivery (body: string): Promise<string> {
  assert.equal((await h.deliver(body)).status, 200)
  const { rows } = await h.pool.query<{ trace_id: string | null }>('SELECT trace_id FROM webhook_events WHERE raw_body = $1', [Buffer.from(body)])
  return rows[0]?.trace_id ?? assert.fail('the delivery has no trace id')
}

/** Waits until the trace holds a finished span with each name. */
async function traceWith (traceId: string, names: string[]): Promise<ReadableSpan[]> {
  return until(() => spansOf(exporter, traceId), (spans) => names.every((name) => spans.some((span) => span.name === name)),
    { what: `spans ${names.join(', ')}`, timeoutMs: 60_000 })
}

// HubSpot's API paths start /crm/, Salesforce's /services/.
const API_PATH = { hubspot: '/crm/', salesforce: '/services/' } as const
const httpCallsTo = (spans: ReadableSpan[], crm: keyof typeof API_PATH) =>
  spans.filter((span) => span.kind === SpanKind.CLIENT && typeof span.attributes['url.full'] === 'string' && new URL(span.attributes['url.full']).pathname.startsWith(API_PATH[crm]))

test('when a seed event goes through both CRM sandboxes, then its delivery is one trace from the request to every CRM call', async () => {
  const traceId = await traceIdOfDelivery(seedEventBody('appointment.booked'))
  const writes = ['contacts', 'appointments'].flatMap((kind) => ['hubspot', 'salesforce'].map((crm) => `${crm} upsert${kind[0]?.toUpperCase()}${kind.slice(1)}`))
  const spans = await traceWith(traceId, ['inbox commit', 'process apply-event', 'process sync-hubspot', 'process sync-salesforce', ...writes])
  const tree = outline(spans)
  if (process.env.SHOW_TRACE) console.log(tree)

  const roots = spans.filter((span) => ancestorsOf(span, spans).length === 0)
  assert.equal(roots.length, 1, `one root:\n${tree}`)
  assert.equal(roots[0]?.kind, SpanKind.SERVER, 'the root is the webhook request')
  assert.equal(roots[0]?.attributes['http.route'], '/webhooks/agentclara')
  for (const span of spans.filter((item) => item !== roots[0])) {
    assert.ok(span.parentSpanContext && spans.some((item) => item.spanContext().spanId === span.parentSpanContext?.spanId), `${span.name} hangs in the tree:\n${tree}`)
  }

  const named = (name: string) => spans.filter((span) => span.name === name)
  const names = (list: ReadableSpan[]) => list.map((span) => span.name)
  assert.ok(names(ancestorsOf(named('inbox commit')[0]!, spans)).includes('inbox store'), tree)
  assert.ok(spans.some((span) => span.attributes['db.system.name'] === 'postgresql' && names(ancestorsOf(span, spans)).includes('inbox commit')), `the commit's SQL is traced:\n${tree}`)
  assert.ok(names(ancestorsOf(named('process apply-event')[0]!, spans)).includes('inbox store'), tree)
  for (const crm of ['hubspot', 'salesforce'] as const) {
    for (const sync of named(`process sync-${crm}`)) assert.ok(names(ancestorsOf(sync, spans)).includes('process apply-event'), tree)
    const calls = httpCallsTo(spans, crm)
    assert.ok(calls.length >= 2, `${crm}'s HTTP calls are in the trace:\n${tree}`)
    for (const call of calls) assert.ok(names(ancestorsOf(call, spans)).some((name) => name.startsWith(`${crm} upsert`) || name.startsWith(`process sync-${crm}`)), tree)
  }
  const record = await h.pool.query<{ trace_id: string }>("SELECT trace_id FROM crm_records WHERE entity_id = 'cust_xyz789'")
  assert.deepEqual(record.rows.map((row) => row.trace_id), [traceId, traceId], 'each record notes the trace of its last sync')
})

test('when a CRM call fails once, then the retry shows as a second attempt of the same write in the same trace', async () => {
  h.hubspot.faults.set({ failNext: { count: 1, status: 503 } })
  const body = JSON.stringify({ event: 'conversation.created', timestamp: '2024-06-01T10:00:00Z', data: { conversation_id: 'conv_retry', customer_id: 'cust_retry', customer_name: 'Retry Person', channel: 'sms', status: 'open' } })
  const traceId = await traceIdOfDelivery(body)
  const spans = await until(() => spansOf(exporter, traceId), (found) => found.filter((span) => span.name === 'hubspot upsertContacts').length >= 2 && found.some((span) => span.name === 'process sync-hubspot'),
    { what: 'a retried HubSpot contact write', timeoutMs: 30_000 })
  const attempts = spans.filter((span) => span.name === 'hubspot upsertContacts').sort((a, b) => Number(a.attributes['crm.attempt']) - Number(b.attributes['crm.attempt']))
  assert.deepEqual(attempts.map((span) => span.attributes['crm.attempt']), [1, 2])
  assert.equal(attempts[0]?.status.code, SpanStatusCode.ERROR)
  assert.notEqual(attempts[1]?.status.code, SpanStatusCode.ERROR)
  assert.equal(attempts[0]?.parentSpanContext?.spanId, attempts[1]?.parentSpanContext?.spanId, 'both attempts belong to one sync batch')
  const failedCall = spans.find((span) => span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === attempts[0]?.spanContext().spanId)
  assert.equal(failedCall?.attributes['http.response.status_code'], 503, outline(spans))
})
