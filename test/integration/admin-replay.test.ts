import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { seedEventBody } from '../../src/events/seed-events.ts'
import { createApp } from '../../src/http/create-app.ts'
import { APPLY_JOBS_OF_EVENT, countRows, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'
import { testLogger } from '../helpers/test-logger.ts'

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'
let h: ReceiverHarness
let agent: ReturnType<typeof request.agent>
let csrf: string

before(async () => {
  h = await startReceiverHarness()
  const logger = testLogger()
  // Only HubSpot's sync is on here: Salesforce records must not be replayed into a queue nobody works.
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [{ name: 'hubspot' }], logger })
  const app = createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
  agent = request.agent(app)
  const form = await agent.get('/admin/login')
  assert.equal((await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN })).status, 303)
  csrf = csrfOf((await agent.get('/admin/dead-letters')).text)
})
after(() => h.close())

function csrfOf (html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field in the page')
}

async function insertEvent (row: { status: string, eventType?: string, raw: string, payload?: boolean, error?: string }): Promise<string> {
  const { rows } = await h.pool.query<{ id: string }>(`
    INSERT INTO webhook_events (dedupe_key, status, event_type, payload, raw_body, signature_form, error)
    VALUES ($1, $2, $3, $4::jsonb, $5, 'raw', $6) RETURNING id`,
  [randomBytes(32), row.status, row.eventType ?? null, row.payload ? row.raw : null, Buffer.from(row.raw), row.error ?? null])
  return rows[0]?.id ?? assert.fail()
}

const applyJobs = (eventId: string) => countRows(h.pool, APPLY_JOBS_OF_EVENT, [eventId])
const syncJobs = (queue: string, type: string, id: string) =>
  countRows(h.pool, "SELECT count(*) FROM pgboss.job WHERE name = $1 AND data->>'type' = $2 AND data->>'id' = $3 AND state = 'created'", [queue, type, id])
const statusOf = async (id: string) => (await h.pool.query('SELECT status, error, payload FROM webhook_events WHERE id = $1', [id])).rows[0]

test('when a failed event is replayed, then it is set to received with an apply job, and a flash says so', async () => {
  const id = await insertEvent({ status: 'failed', eventType: 'message.received', raw: seedEventBody('message.received'), payload: true, error: 'conversation conv_abc123 is not known yet' })
  const res = await agent.post(`/admin/replay/event/${id}`).type('form').send({ _csrf: csrf, return_to: `/admin/deliveries/${id}` })
  assert.equal(res.status, 303)
  assert.equal(res.headers.location, `/admin/deliveries/${id}`)
  assert.deepEqual(await statusOf(id).then((row) => [row.status, row.error]), ['received', null])
  assert.equal(await applyJobs(id), 1)

  const page = await agent.get(`/admin/deliveries/${id}`)
  assert.match(page.text, /class="flash ok"[^>]*>Replayed delivery \d+ \(1\): 1 queued to apply/)
  // The flash is shown once.
  assert.doesNotMatch((await agent.get(`/admin/deliveries/${id}`)).text, /class="flash/)
})

test('when a quarantined event whose body is now valid is replayed, then it gets its payload and an apply job', async () => {
  const id = await insertEvent({ status: 'quarantined', raw: seedEventBody('conversation.created'), error: 'body does not match the event schema: old rule' })
  await agent.post(`/admin/replay/event/${id}`).type('form').send({ _csrf: csrf })
  const row = await statusOf(id)
  assert.equal(row.status, 'received')
  assert.equal(row.error, null)
  assert.equal(row.payload.data.customer_id, 'cust_xyz789')
  assert.equal(await applyJobs(id), 1)
})

test('when a quarantined event that is still invalid is replayed, then it stays quarantined with the new error and no job', async () => {
  const id = await insertEvent({ status: 'quarantined', raw: '{"event":"message.received"', error: 'old error' })
  const res = await agent.post(`/admin/replay/event/${id}`).type('form').send({ _csrf: csrf })
  assert.equal(res.headers.location, '/admin/dead-letters')
  const row = await statusOf(id)
  assert.equal(row.status, 'quarantined')
  assert.match(row.error, /not valid JSON/)
  assert.equal(await applyJobs(id), 0)
  assert.match((await agent.get('/admin/dead-letters')).text, /class="flash error"[^>]*>[^<]*1 still not valid/)
})

test('when a dead CRM record is replayed, then it is pending with fresh attempts and a sync job is queued', async () => {
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, synced_hash, attempts, last_error)
    VALUES ('hubspot', 'appointment', 'apt_dead', 'dead', 'oldhash', 12, 'HTTP 500')`)
  const res = await agent.post('/admin/replay/record/hubspot/appointment/apt_dead').type('form').send({ _csrf: csrf })
  assert.equal(res.status, 303)
  const { rows } = await h.pool.query("SELECT status, attempts, synced_hash FROM crm_records WHERE entity_id = 'apt_dead'")
  assert.deepEqual(rows[0], { status: 'pending', attempts: 0, synced_hash: null })
  assert.equal(await syncJobs('sync-hubspot', 'appointment', 'apt_dead'), 1)
  assert.match((await agent.get('/admin/dead-letters')).text, /Queued appointment apt_dead for a new sync to hubspot/)
})

test('when a record of a CRM whose sync is off is replayed, then nothing changes and the flash says why', async () => {
  await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status, attempts) VALUES ('salesforce', 'contact', 'cust_sf_off', 'dead', 3)")
  await agent.post('/admin/replay/record/salesforce/contact/cust_sf_off').type('form').send({ _csrf: csrf })
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM crm_records WHERE entity_id = 'cust_sf_off' AND status = 'dead'"), 1)
  assert.equal(await syncJobs('sync-salesforce', 'contact', 'cust_sf_off'), 0)
  assert.match((await agent.get('/admin/dead-letters')).text, /Nothing replayed: no contact cust_sf_off record for salesforce/)
})

test('when bulk replay is asked for failed events of one type, then exactly those are requeued', async () => {
  const matching = [
    await insertEvent({ status: 'failed', eventType: 'appointment.booked', raw: seedEventBody('appointment.booked').replace('apt_123', 'apt_bulk_1'), payload: true }),
    await insertEvent({ status: 'failed', eventType: 'appointment.booked', raw: seedEventBody('appointment.booked').replace('apt_123', 'apt_bulk_2'), payload: true })
  ]
  const otherType = await insertEvent({ status: 'failed', eventType: 'conversation.closed', raw: seedEventBody('conversation.closed'), payload: true })
  const applied = await insertEvent({ status: 'applied', eventType: 'appointment.booked', raw: seedEventBody('appointment.booked').replace('apt_123', 'apt_bulk_3'), payload: true })

  const res = await agent.post('/admin/replay/bulk').type('form')
    .send({ _csrf: csrf, kind: 'events', status: 'failed', type: 'appointment.booked', return_to: '/admin/dead-letters?status=failed&type=appointment.booked' })
  assert.equal(res.headers.location, '/admin/dead-letters?status=failed&type=appointment.booked')
  for (const id of matching) {
    assert.equal((await statusOf(id)).status, 'received')
    assert.equal(await applyJobs(id), 1)
  }
  assert.equal((await statusOf(otherType)).status, 'failed')
  assert.equal((await statusOf(applied)).status, 'applied')
  assert.equal(await applyJobs(otherType) + await applyJobs(applied), 0)
})

test('when bulk replay is asked for dead records, then the matching ones of enabled CRMs are requeued', async () => {
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, attempts) VALUES
    ('hubspot', 'message', 'msg_bulk_1', 'dead', 12), ('hubspot', 'message', 'msg_bulk_2', 'dead', 12),
    ('hubspot', 'contact', 'cust_bulk_synced', 'synced', 0), ('salesforce', 'message', 'msg_bulk_sf', 'dead', 12)`)
  const res = await agent.post('/admin/replay/bulk').type('form').send({ _csrf: csrf, kind: 'records', entity: 'message' })
  assert.equal(res.status, 303)
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM crm_records WHERE entity_id IN ('msg_bulk_1', 'msg_bulk_2') AND status = 'pending'"), 2)
  assert.equal(await syncJobs('sync-hubspot', 'message', 'msg_bulk_1'), 1)
  assert.equal(await syncJobs('sync-hubspot', 'message', 'msg_bulk_2'), 1)
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM crm_records WHERE entity_id = 'msg_bulk_sf' AND status = 'dead'"), 1)
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM crm_records WHERE entity_id = 'cust_bulk_synced' AND status = 'synced'"), 1)
  assert.match((await agent.get('/admin/dead-letters')).text, /Queued 2 dead CRM record\(s\) for a new sync/)
})

test('when the dead-letters page is opened, then it lists failed and quarantined events and dead records with replay forms', async () => {
  await insertEvent({ status: 'failed', eventType: 'message.received', raw: '{}', payload: true, error: 'listed failure' })
  await insertEvent({ status: 'quarantined', raw: '{"listed": "quarantined', error: 'listed quarantine' })
  await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status, attempts) VALUES ('salesforce', 'message', 'msg_listed_sf', 'dead', 12)")
  const page = await agent.get('/admin/dead-letters')
  assert.equal(page.status, 200)
  assert.match(page.text, /listed failure/)
  assert.match(page.text, /listed quarantine/)
  assert.match(page.text, /msg_listed_sf/)
  assert.match(page.text, /action="\/admin\/replay\/bulk"/)
  assert.match(page.text, /action="\/admin\/replay\/record\/salesforce\/message\/msg_listed_sf"/)
})

test('when a replay form names a return path outside the dashboard, then it goes back to the dead letters instead', async () => {
  for (const returnTo of ['https://evil.example/', '//evil.example', '/admin/../x', '/adminx']) {
    const res = await agent.post('/admin/replay/bulk').type('form').send({ _csrf: csrf, kind: 'records', crm: 'hubspot', return_to: returnTo })
    assert.equal(res.headers.location, '/admin/dead-letters', returnTo)
  }
})
