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

/** Waits until the trace holds a finished span with each name, and the parent of every span (one root aside). */
async function traceWith (traceId: string, names: string[], also: (spans: ReadableSpan[]) => boolean = () => true): Promise<ReadableSpan[]> {
  const complete = (spans: ReadableSpan[]) => spans.filter((span) => !spans.some((item) => item.spanContext().spanId === span.parentSpanContext?.spanId)).length === 1
  let spans: ReadableSpan[] = []
  // The probe answers names (printable should it time out); the spans are kept aside.
  await until(() => { spans = spansOf(exporter, traceId); return spans.map((span) => span.name) },
    () => names.every((name) => spans.some((span) => span.name === name)) && complete(spans) && also(spans), { what: `spans ${names.join(', ')}`, timeoutMs: 60_000 })
  return spans
}

// HubSpot's API paths start /crm/, Salesforce's /services/.
const API_PATH = { hubspot: '/crm/', salesforce: '/services/' } as const
const httpCallsTo = (spans: ReadableSpan[], crm: keyof typeof API_PATH) =>
  spans.filter((span) => span.kind === SpanKind.CLIENT && typeof span.attributes['url.full'] === 'string' && new URL(span.attributes['url.full']).pathname.startsWith(API_PATH[crm]))

test('when a seed event goes through both CRM sandboxes, then its delivery is one trace from the request to every CRM call', async () => {
  const traceId = await traceIdOfDelivery(seedEventBody('appointment.booked'))
  // HubSpot writes each kind in calls of its own; Salesforce writes them together (one Composite request).
  const writes = ['hubspot upsertContacts', 'hubspot upsertAppointments', 'salesforce upsertTogether']
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
    // HubSpot: the contact's call and the appointment's; Salesforce: one Composite request for both.
    assert.ok(calls.length >= (crm === 'hubspot' ? 2 : 1), `${crm}'s HTTP calls are in the trace:\n${tree}`)
    for (const call of calls) assert.ok(names(ancestorsOf(call, spans)).some((name) => name.startsWith(`${crm} upsert`) || name.startsWith(`process sync-${crm}`)), tree)
  }
  const record = await h.pool.query<{ trace_id: string }>("SELECT trace_id FROM crm_records WHERE entity_id = 'cust_xyz789'")
  assert.deepEqual(record.rows.map((row) => row.trace_id), [traceId, traceId], 'each record notes the trace of its last sync')
})

test('when a CRM call fails once, then its retry shows as a later attempt of the same write in the same trace', async () => {
  h.hubspot.faults.set({ failNext: { count: 1, status: 503 } })
  const body = JSON.stringify({ event: 'conversation.created', timestamp: '2024-06-01T10:00:00Z', data: { conversation_id: 'conv_retry', customer_id: 'cust_retry', customer_name: 'Retry Person', channel: 'sms', status: 'open' } })
  const traceId = await traceIdOfDelivery(body)
  const isWrite = (span: ReadableSpan) => span.name === 'hubspot upsertContacts'
  const spans = await traceWith(traceId, ['process sync-hubspot'], (all) => all.some((span) => isWrite(span) && span.status.code !== SpanStatusCode.ERROR))
  const writes = spans.filter(isWrite).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1])
  const [failed, retried] = [writes[0], writes.at(-1)]
  assert.ok(writes.length >= 2, outline(spans))
  assert.equal(failed?.status.code, SpanStatusCode.ERROR)
  assert.notEqual(retried?.status.code, SpanStatusCode.ERROR)
  const failedCall = spans.find((span) => span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === failed?.spanContext().spanId)
  assert.equal(failedCall?.attributes['http.response.status_code'], 503, outline(spans))
  // Retried inside the same sync batch (the quick in-call retry): a later crm.attempt; or by
  // pg-boss (the job failed): a later batch span of the retried job.
  if (retried?.parentSpanContext?.spanId === failed?.parentSpanContext?.spanId) {
    assert.equal(retried?.attributes['crm.attempt'], writes.length)
  } else {
    const batch = spans.find((span) => span.spanContext().spanId === retried?.parentSpanContext?.spanId)
    assert.ok(Number(batch?.attributes['pgboss.job.retry_count']) >= 1, outline(spans))
  }
})
