import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startAdminHarness } from '../helpers/admin-harness.ts'

let h: Awaited<ReturnType<typeof startAdminHarness>>
before(async () => { h = await startAdminHarness({ traceUrl: (traceId) => `http://localhost:16686/trace/${traceId}` }) })
after(() => h.close())

async function storedDelivery (traceId: string | null): Promise<string> {
  const { rows } = await h.pool.query<{ id: string }>(`INSERT INTO webhook_events (dedupe_key, status, event_type, raw_body, signature_form, trace_id)
    VALUES (sha256(convert_to($1::text, 'UTF8')), 'ignored', 'x.test', '\\x7b7d', 'raw', $2) RETURNING id`, [String(traceId), traceId])
  return rows[0]?.id ?? assert.fail('not stored')
}

test('when a delivery arrived traced, then its page shows the trace id linked into the trace viewer', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  const page = await h.agent.get(`/admin/deliveries/${await storedDelivery(traceId)}`)
  assert.match(page.text, new RegExp(`<a class="mono" href="http://localhost:16686/trace/${traceId}" rel="noopener noreferrer" target="_blank">${traceId}</a>`))
})

test('when a delivery arrived with tracing off, then its page says so', async () => {
  const page = await h.agent.get(`/admin/deliveries/${await storedDelivery(null)}`)
  assert.match(page.text, /tracing was off when it arrived/)
})
