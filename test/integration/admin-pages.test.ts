import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { withTransaction } from '../../src/db/pool.ts'
import { seedEvent } from '../../src/events/seed-events.ts'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import { createApp } from '../../src/http/create-app.ts'
import { sign } from '../../src/receiver/signature.ts'
import { countRows, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'
import { testLogger } from '../helpers/test-logger.ts'

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'
let h: ReceiverHarness
let app: ReturnType<typeof createApp>
let agent: ReturnType<typeof request.agent>

before(async () => {
  h = await startReceiverHarness()
  const logger = testLogger()
  const admin = createAdminRouter({
    pool: h.pool,
    boss: h.boss,
    adminToken: ADMIN_TOKEN,
    crms: [{ name: 'hubspot', recordUrl: (entity, crmId) => entity === 'contact' ? `https://app.hubspot.com/contacts/1/record/0-1/${crmId}` : undefined }, { name: 'salesforce' }],
    logger
  })
  app = createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
  agent = request.agent(app)
  const form = await agent.get('/admin/login')
  assert.equal((await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN })).status, 303)
})
after(() => h.close())

function csrfOf (html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field in the page')
}

async function deliver (body: object): Promise<string> {
  const text = JSON.stringify(body)
  const res = await request(app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(text, TEST_SECRET) }).send(text)
  assert.equal(res.status, 200)
  const { rows } = await h.pool.query<{ id: string }>('SELECT id FROM webhook_events WHERE raw_body = $1', [Buffer.from(text)])
  return rows[0]?.id ?? assert.fail('delivery not stored')
}

const messageEvent = (id: string, content: string, conversationId = 'conv_pages') => ({
  event: 'message.received', timestamp: '2024-03-15T10:32:00Z', data: { conversation_id: conversationId, message_id: id, sender: 'customer', content, channel: 'sms' }
})
const createdEvent = (customerId: string, conversationId: string) => ({
  ...seedEvent('conversation.created'), data: { ...seedEvent('conversation.created').data, customer_id: customerId, conversation_id: conversationId }
})
const bookedEvent = (appointmentId: string, phone: string) => ({
  ...seedEvent('appointment.booked'), data: { ...seedEvent('appointment.booked').data, customer_id: 'cust_pages', conversation_id: 'conv_pages', appointment_id: appointmentId, customer_phone: phone }
})

test('when deliveries are stored, then the list shows them newest first with status counts and filters', async () => {
  const booked = await deliver(bookedEvent('apt_list', '+15550001111'))
  const message = await deliver(messageEvent('msg_list', 'hello'))
  await h.pool.query("UPDATE webhook_events SET status = 'failed', error = 'boom: the mirror said no' WHERE id = $1", [message])

  const res = await agent.get('/admin')
  assert.equal(res.status, 200)
  assert.match(res.headers['content-type'] ?? '', /text\/html/)
  assert.ok(res.text.indexOf(`/admin/deliveries/${message}"`) < res.text.indexOf(`/admin/deliveries/${booked}"`), 'newest first')
  assert.match(res.text, /appointment\.booked/)
  assert.match(res.text, /boom: the mirror said no/)
  const failedCount = await countRows(h.pool, "SELECT count(*) FROM webhook_events WHERE status = 'failed'")
  assert.match(res.text, new RegExp(`failed</span><strong>${failedCount}</strong>`))

  const failed = await agent.get('/admin?status=failed')
  assert.match(failed.text, new RegExp(`/admin/deliveries/${message}"`))
  assert.doesNotMatch(failed.text, new RegExp(`/admin/deliveries/${booked}"`))
  const byType = await agent.get('/admin?type=appointment.booked')
  assert.match(byType.text, new RegExp(`/admin/deliveries/${booked}"`))
  assert.doesNotMatch(byType.text, new RegExp(`/admin/deliveries/${message}"`))
  // Nonsense filters are ignored, not errors.
  assert.equal((await agent.get('/admin?status=nope&before=abc')).status, 200)
})

test('when there are more than 50 deliveries, then pages follow the keyset cursor without gaps or repeats', async () => {
  const values: string[] = []
  for (let i = 0; i < 60; i++) values.push(`('\\x${randomBytes(32).toString('hex')}', 'ignored', 'paging.test', '\\x7b7d', 'raw', now() - interval '1 day' - make_interval(secs => ${i}))`)
  await h.pool.query(`INSERT INTO webhook_events (dedupe_key, status, event_type, raw_body, signature_form, received_at) VALUES ${values.join(',')}`)
  const ids = (page: string) => [...page.matchAll(/href="\/admin\/deliveries\/(\d+)"/g)].map((match) => match[1])

  const first = await agent.get('/admin?type=paging.test')
  assert.equal(ids(first.text).length, 50)
  const next = /href="(\/admin\?type=paging\.test&amp;before=\d+)"/.exec(first.text)?.[1]?.replaceAll('&amp;', '&')
  assert.ok(next, 'an "older" link')
  const second = await agent.get(next)
  assert.equal(ids(second.text).length, 10)
  assert.equal(new Set([...ids(first.text), ...ids(second.text)]).size, 60)
  assert.doesNotMatch(second.text, />older »</)
})

test('when a delivery is opened, then phone numbers and message content are masked unless PII is asked for', async () => {
  const booked = await deliver(bookedEvent('apt_mask', '+15557654321'))
  const message = await deliver(messageEvent('msg_mask', 'My secret is 42 apples'))

  const masked = await agent.get(`/admin/deliveries/${booked}`)
  assert.equal(masked.status, 200)
  assert.doesNotMatch(masked.text, /5557654321/)
  assert.match(masked.text, /\+•+21/)
  assert.match(masked.text, /John Smith/)
  assert.match(masked.text, /href="\/admin\/deliveries\/\d+\?pii=1"/)

  const maskedMessage = await agent.get(`/admin/deliveries/${message}`)
  assert.doesNotMatch(maskedMessage.text, /secret is 42 apples/)
  assert.match(maskedMessage.text, /\[hidden: 22 characters\]/)

  const shown = await agent.get(`/admin/deliveries/${message}?pii=1`)
  assert.match(shown.text, /My secret is 42 apples/)
  assert.equal((await agent.get('/admin/deliveries/999999999')).status, 404)
  assert.equal((await agent.get('/admin/deliveries/abc')).status, 404)
})

test('when a quarantined delivery is opened, then its raw body is shown, masked the same way', async () => {
  const raw = '{"event":"message.received","data":{"content":"private words","customer_phone":"+15559998888"'
  const res = await request(app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(raw, TEST_SECRET) }).send(raw)
  assert.equal(res.status, 200)
  const { rows } = await h.pool.query<{ id: string }>("SELECT id FROM webhook_events WHERE status = 'quarantined' AND raw_body = $1", [Buffer.from(raw)])
  const page = await agent.get(`/admin/deliveries/${rows[0]?.id}`)
  assert.match(page.text, /Raw body/)
  assert.match(page.text, /not valid JSON/)
  assert.doesNotMatch(page.text, /private words/)
  assert.doesNotMatch(page.text, /5559998888/)
  assert.match((await agent.get(`/admin/deliveries/${rows[0]?.id}?pii=1`)).text, /private words/)
})

test('when a payload carries HTML and SQL, then it is stored as data and shown escaped everywhere', async () => {
  const evil = { ...seedEvent('conversation.created'), data: { conversation_id: 'conv_evil', customer_id: 'cust_evil', customer_name: "<script>alert(1)</script>'; DROP TABLE customers; --", channel: 'sms', status: 'open' } }
  const id = await deliver(evil)
  await withTransaction(h.pool, (client) => applyEvent(client, evil as AgentClaraEvent))

  const { rows } = await h.pool.query("SELECT payload->'data'->>'customer_name' AS name FROM webhook_events WHERE id = $1", [id])
  assert.equal(rows[0].name, evil.data.customer_name)
  assert.ok(await countRows(h.pool, 'SELECT count(*) FROM customers') > 0, 'customers table still there')

  for (const path of [`/admin/deliveries/${id}`, '/admin/customers', '/admin/customers/cust_evil']) {
    const page = await agent.get(path)
    assert.equal(page.status, 200, path)
    assert.doesNotMatch(page.text, /<script>/, path)
    assert.match(page.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&#39;; DROP TABLE customers; --/, path)
  }
})

test('when the mirror holds a customer, then the customers pages show it with a masked phone, its conversations, appointments and CRM records', async () => {
  await withTransaction(h.pool, async (client) => {
    await applyEvent(client, createdEvent('cust_pages', 'conv_pages') as AgentClaraEvent)
    await applyEvent(client, bookedEvent('apt_pages', '+15551112233') as AgentClaraEvent)
    await applyEvent(client, messageEvent('msg_pages', 'hi there') as AgentClaraEvent)
  })
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id, attempts, last_error) VALUES
    ('hubspot', 'contact', 'cust_pages', 'synced', '9001', 0, NULL),
    ('salesforce', 'contact', 'cust_pages', 'dead', NULL, 12, 'REQUIRED_FIELD_MISSING: LastName'),
    ('hubspot', 'message', 'msg_pages', 'synced', '77', 0, NULL)`)

  const list = await agent.get('/admin/customers')
  assert.match(list.text, /cust_pages/)
  assert.match(list.text, /John Smith/)
  assert.doesNotMatch(list.text, /5551112233/)
  assert.match(list.text, /\+•+33/)

  const detail = await agent.get('/admin/customers/cust_pages')
  assert.equal(detail.status, 200)
  assert.match(detail.text, /conv_pages/)
  assert.match(detail.text, /apt_pages/)
  assert.match(detail.text, /Haircut/)
  assert.match(detail.text, /href="https:\/\/app\.hubspot\.com\/contacts\/1\/record\/0-1\/9001"/)
  assert.match(detail.text, /REQUIRED_FIELD_MISSING: LastName/)
  assert.doesNotMatch(detail.text, /5551112233/)
  assert.match((await agent.get('/admin/customers/cust_pages?pii=1')).text, /\+15551112233/)
  assert.equal((await agent.get('/admin/customers/nobody')).status, 404)
})

test('when a delivery touched synced entities, then its page shows each CRM record with status, id, link and error', async () => {
  await withTransaction(h.pool, (client) => applyEvent(client, createdEvent('cust_touched', 'conv_touched') as AgentClaraEvent))
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id, attempts, last_error) VALUES
    ('hubspot', 'contact', 'cust_touched', 'synced', '9002', 0, NULL),
    ('salesforce', 'contact', 'cust_touched', 'dead', NULL, 12, 'REQUIRED_FIELD_MISSING: LastName'),
    ('hubspot', 'message', 'msg_touched', 'synced', '78', 0, NULL)`)
  const id = await deliver(messageEvent('msg_touched', 'hi there, again', 'conv_touched'))
  const page = await agent.get(`/admin/deliveries/${id}`)
  // message.received names only the conversation: the contact comes from the mirror.
  assert.match(page.text, /contact cust_touched/)
  assert.match(page.text, /message msg_touched/)
  assert.match(page.text, /href="https:\/\/app\.hubspot\.com\/contacts\/1\/record\/0-1\/9002"/)
  assert.match(page.text, />78</)
  assert.match(page.text, /REQUIRED_FIELD_MISSING/)
})

test('when jobs wait in the queues, then the queues page shows depth and the age of the oldest', async () => {
  await h.boss.send('sync-salesforce', { type: 'contact', id: 'cust_queue' })
  await h.pool.query("UPDATE pgboss.job SET created_on = now() - interval '2 hours' WHERE name = 'sync-salesforce'")
  const waiting = await countRows(h.pool, "SELECT count(*) FROM pgboss.job WHERE name = 'apply-event' AND state IN ('created', 'retry')")
  const page = await agent.get('/admin/queues')
  assert.equal(page.status, 200)
  const row = (name: string) => new RegExp(`${name}</td>\\s*<td class="num">(\\d+)</td>\\s*<td class="num">(\\d+)</td>\\s*<td class="num">(\\d+)</td>\\s*<td>([^<]*)</td>`).exec(page.text)
  assert.equal(row('apply-event')?.[1], String(waiting))
  assert.equal(row('sync-salesforce')?.[1], '1')
  assert.equal(row('sync-salesforce')?.[4], '2.0 h')
  assert.equal(row('sync-hubspot')?.[1], '0')
  assert.equal(row('sync-hubspot')?.[4], '—')
})

test('when stored errors hold PII (rows written before errors were masked), then the dashboard shows them masked', async () => {
  const { rows: [event] } = await h.pool.query<{ id: string }>(`INSERT INTO webhook_events (dedupe_key, status, raw_body, signature_form, error)
    VALUES ($1, 'quarantined', $2, 'raw', $3) RETURNING id`, [randomBytes(32), Buffer.from('{'),
    'body is not valid JSON: Unexpected token \'+\', ..."r_phone": +155598765"... is not valid JSON'])
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, attempts, last_error) VALUES
    ('salesforce', 'contact', 'cust_pages', 'dead', 3, 'INVALID_EMAIL_ADDRESS: Email: invalid email address: mary.major@example.org; phone 555-987-6543')
    ON CONFLICT (crm, entity_type, entity_id) DO UPDATE SET last_error = EXCLUDED.last_error, status = 'dead'`)

  const pages = [`/admin/deliveries/${event?.id}`, '/admin/?status=quarantined', '/admin/dead-letters', '/admin/customers/cust_pages']
  for (const path of pages) {
    const page = await agent.get(path)
    assert.equal(page.status, 200, path)
    for (const pii of ['155598765', 'mary.major', 'example.org', '555-987-6543']) assert.ok(!page.text.includes(pii), `${path} shows ${pii}`)
  }
  for (const path of [`/admin/deliveries/${event?.id}`, '/admin/?status=quarantined']) assert.match((await agent.get(path)).text, /\+•••••••65/, path)
  assert.match((await agent.get('/admin/dead-letters')).text, /invalid email address: \[hidden\]/)
})
