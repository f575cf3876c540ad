import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { withTransaction } from '../../src/db/pool.ts'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import { sign } from '../../src/receiver/signature.ts'
import { startAdminHarness } from '../helpers/admin-harness.ts'
import { TEST_SECRET } from '../helpers/receiver-harness.ts'

let h: Awaited<ReturnType<typeof startAdminHarness>>
before(async () => { h = await startAdminHarness() })
after(() => h.close())

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const events = (n: string, name: string): AgentClaraEvent[] => [
  { event: 'conversation.created', timestamp: '2024-06-01T10:00:00Z', data: { conversation_id: `conv_${n}`, customer_id: `cust_${n}`, customer_name: name, channel: 'sms', status: 'open' } },
  { event: 'message.received', timestamp: '2024-06-01T10:01:00Z', data: { conversation_id: `conv_${n}`, message_id: `msg_${n}`, sender: 'customer', content: 'hi', channel: 'sms' } },
  { event: 'appointment.booked', timestamp: '2024-06-01T10:02:00Z', data: { conversation_id: `conv_${n}`, customer_id: `cust_${n}`, customer_name: name, customer_phone: '+15550000000', appointment_id: `apt_${n}`, appointment_time: '2024-06-02T09:00:00Z', service: 'Checkup' } }
] as AgentClaraEvent[]

/** Delivers over the webhook, then applies to the mirror as the apply worker would. */
async function customerWith (n: string, name: string): Promise<void> {
  for (const event of events(n, name)) {
    const body = JSON.stringify(event)
    assert.equal((await request(h.app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, TEST_SECRET) }).send(body)).status, 200)
    await withTransaction(h.pool, (client) => applyEvent(client, event))
  }
  await h.pool.query("UPDATE webhook_events SET status = 'applied', trace_id = $1 WHERE payload->'data'->>'conversation_id' = $2", [TRACE, `conv_${n}`])
}

const search = async (q: string) => (await h.agent.get('/admin/search').query({ q })).text

test('when searching by a customer, conversation, message or appointment id, then each answers with that customer\'s page', async () => {
  await customerWith('s1', 'Ada Lovelace')
  for (const q of ['cust_s1', 'conv_s1', 'msg_s1', 'apt_s1']) {
    const page = await search(q)
    assert.match(page, /Why isn't Ada Lovelace in the CRM yet\?/, q)
    assert.match(page, /contact cust_s1/, q)
    assert.match(page, /appointment apt_s1/, q)
    assert.match(page, /message msg_s1/, q)
  }
  const page = await search('cust_s1')
  assert.equal([...page.matchAll(/href="\/admin\/deliveries\/\d+"/g)].length, 3, 'its three deliveries, the message found through its conversation')
  assert.match(page, new RegExp(`<span class="mono">${TRACE}</span>`), 'with their trace ids')
  assert.match(page, /never queued for hubspot/, 'no record and no job yet')
})

test('when HubSpot gave up on the contact and Salesforce has it, then the page says so per CRM with the error, the trace and a replay button', async () => {
  await h.pool.query(`INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id, attempts, last_error, synced_at, trace_id) VALUES
    ('hubspot', 'contact', 'cust_s1', 'dead', NULL, 16, 'CrmPermanentError: Property "agentclara_customer_id" does not exist', NULL, 'aaaabbbbccccddddeeeeffff00001111'),
    ('salesforce', 'contact', 'cust_s1', 'synced', '003XYZ', 0, NULL, now(), NULL)`)
  const page = await search('Lovelace')
  assert.match(page, /<strong>hubspot<\/strong>: gave up after 16 attempts: CrmPermanentError: Property &quot;agentclara_customer_id&quot; does not exist/)
  assert.match(page, /<strong>salesforce<\/strong>: in salesforce as 003XYZ, synced/)
  assert.match(page, /aaaabbbbccccddddeeeeffff00001111/)
  assert.match(page, /action="\/admin\/replay\/record\/hubspot\/contact\/cust_s1"/)
  assert.match(page, /name="return_to" value="\/admin\/search\?q=Lovelace"/)
})

test('when the contact\'s sync job waits, then the page says it is queued rather than missing', async () => {
  await h.boss.send('sync-hubspot', { type: 'appointment', id: 'apt_s1' }, { singletonKey: 'appointment:apt_s1' })
  const page = await search('apt_s1')
  assert.match(page, /<span class="badge pending">pending<\/span> <span class="">queued since/)
})

test('when a name matches several customers, then they are listed to choose from', async () => {
  await customerWith('s2', 'Ada Byron')
  const page = await search('ada')
  assert.match(page, /2 customers match/)
  assert.match(page, /href="\/admin\/search\?q=cust_s1"/)
  assert.match(page, /href="\/admin\/search\?q=cust_s2"/)
  assert.match(await search('a_a'), /No customer/, 'LIKE wildcards are taken literally')
})

test('when an id is not in the mirror but an unapplied delivery names it, then that delivery and its error are shown', async () => {
  const body = JSON.stringify({ event: 'message.received', timestamp: '2024-06-01T11:00:00Z', data: { conversation_id: 'conv_nowhere', message_id: 'msg_orphan', sender: 'customer', content: 'x', channel: 'sms' } })
  await request(h.app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, TEST_SECRET) }).send(body)
  await h.pool.query("UPDATE webhook_events SET status = 'waiting', error = 'conversation conv_nowhere is not known yet' WHERE payload->'data'->>'message_id' = 'msg_orphan'")
  for (const q of ['msg_orphan', 'conv_nowhere']) {
    const page = await search(q)
    assert.match(page, /have not reached the mirror/, q)
    assert.match(page, /conversation conv_nowhere is not known yet/, q)
  }
  assert.match(await search('nobody_at_all'), /No stored delivery names it either/)
})

test('when the search term carries HTML, then it is shown escaped', async () => {
  const page = await search('<img src=x onerror=alert(1)>')
  assert.doesNotMatch(page, /<img src=x/)
  assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/)
})
