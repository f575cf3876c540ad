import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startAdminHarness } from '../helpers/admin-harness.ts'

let h: Awaited<ReturnType<typeof startAdminHarness>>
before(async () => { h = await startAdminHarness() })
after(() => h.close())

const chartsOf = (html: string) => [...html.matchAll(/<figure class="chart">([\s\S]*?)<\/figure>/g)].map((match) => match[1] ?? '')

test('when nothing happened in the last hour, then the activity page still draws its three charts, empty', async () => {
  const page = await h.agent.get('/admin/activity')
  assert.equal(page.status, 200)
  const charts = chartsOf(page.text)
  assert.equal(charts.length, 3)
  for (const chart of charts) assert.match(chart, /<svg class="chart" viewBox="0 0 \d+ \d+" role="img"/)
  assert.match(charts[0] ?? '', /nothing in the last hour/)
})

test('when deliveries, syncs and waiting jobs fall in the last hour, then each chart draws their lines', async () => {
  await h.pool.query(`INSERT INTO webhook_events (dedupe_key, status, event_type, raw_body, signature_form, received_at)
    SELECT sha256(convert_to('activity' || i, 'UTF8')), CASE WHEN i % 4 = 0 THEN 'failed' ELSE 'applied' END, 'conversation.created', '\\x7b7d', 'raw', now() - make_interval(mins => i % 30)
    FROM generate_series(1, 40) AS i`)
  await h.pool.query("INSERT INTO customers (id, name, updated_at) VALUES ('cust_lag', 'Lag', now() - interval '3 minutes')")
  await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id, synced_at) VALUES ('hubspot', 'contact', 'cust_lag', 'synced', '1', now() - interval '1 minute')")
  await h.boss.send('sync-salesforce', { type: 'contact', id: 'cust_waiting' })
  await h.pool.query("UPDATE pgboss.job SET created_on = now() - interval '10 minutes' WHERE name = 'sync-salesforce'")

  const [deliveries, lag, depth] = chartsOf((await h.agent.get('/admin/activity')).text)
  assert.match(deliveries ?? '', /<title>applied<\/title>/)
  assert.match(deliveries ?? '', /<title>failed<\/title>/)
  assert.match(deliveries ?? '', /<path class="series series-\d" d="M[\d.]+,[\d.]+ L/)
  assert.match(lag ?? '', /hubspot <span class="muted">now 2\.0 min, peak 2\.0 min/, 'the contact synced 2 minutes after its change (±)')
  assert.match(lag ?? '', /salesforce <span class="muted">now —/, 'no Salesforce syncs: a gap, not zero')
  assert.match(depth ?? '', /sync-salesforce <span class="muted">now 1, peak 1/)
  assert.match(depth ?? '', /sync-hubspot <span class="muted">now 0/)
})
