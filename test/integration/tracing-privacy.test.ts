import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { ReadableSpan } from '@opentelemetry/sdk-trace'
import request from 'supertest'
import type { SyncHarness } from '../helpers/sync-harness.ts'
import { startTestTracing } from '../helpers/tracing.ts'

// Tracing first, then the application's modules (as workers/main.ts does).
const { exporter, shutdown } = await startTestTracing()
const { ADMIN_TOKEN, SYNC_SECRET, startSyncHarness } = await import('../helpers/sync-harness.ts')
const { seedEventBody, seedEventTypes } = await import('../../src/events/seed-events.ts')
const { sign } = await import('../../src/receiver/signature.ts')
const { logIn } = await import('../helpers/admin-login.ts')
const { until } = await import('../helpers/until.ts')

let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(async () => { await h.close(); await shutdown() })

/** Every text a span carries out of the process: name, attributes, events, links, status. */
function textsOf (span: ReadableSpan): string[] {
  const values = (attributes: Record<string, unknown> = {}) => Object.entries(attributes).flatMap(([key, value]) => [key, JSON.stringify(value)])
  return [
    span.name,
    span.status.message ?? '',
    ...values(span.attributes),
    ...span.events.flatMap((event) => [event.name, ...values(event.attributes)]),
    ...span.links.flatMap((link) => values(link.attributes))
  ]
}

test('when the seed events sync to both CRMs and an operator searches by name and phone, then no span carries PII or a secret', async () => {
  const bodies = seedEventTypes.map((type) => seedEventBody(type))
  for (const body of bodies) assert.equal((await h.deliver(body)).status, 200)
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE status = 'synced'")).rows[0].n, (n) => n === 6, { what: 'contact, message and appointment in both CRMs', timeoutMs: 60_000 })
  const agent = request.agent(h.app)
  await logIn(agent, ADMIN_TOKEN)
  for (const q of ['John Smith', '+15551234567', 'cust_xyz789']) assert.equal((await agent.get('/admin/search').query({ q })).status, 200)
  const { rows } = await h.pool.query<{ id: string }>("SELECT id FROM webhook_events WHERE event_type = 'message.received'")
  assert.equal((await agent.get(`/admin/deliveries/${rows[0]?.id}?pii=1`)).status, 200)
  await until(() => exporter.getFinishedSpans().some((span) => span.attributes['http.route'] === '/admin/deliveries/:id'), (found) => found, { what: 'the admin requests\' spans' })

  const forbidden = [
    'John Smith', 'Smith', '+15551234567', '5551234567', 'Can I reschedule my appointment?', 'reschedule',
    SYNC_SECRET, ADMIN_TOKEN, h.hubspot.accessToken, h.salesforce.clientSecret,
    ...bodies.map((body) => sign(body, SYNC_SECRET))
  ]
  const spans = exporter.getFinishedSpans()
  assert.ok(spans.length > 50, `a full run was traced (${spans.length} spans)`)
  assert.ok(spans.some((span) => span.attributes['url.query'] === 'q=REDACTED'), 'the searches were traced, their terms redacted')
  for (const span of spans) {
    for (const text of textsOf(span)) {
      for (const secret of forbidden) assert.ok(!text.toLowerCase().includes(secret.toLowerCase()), `span "${span.name}" carries "${secret}" in ${text.slice(0, 300)}`)
    }
  }
})
