import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { hubspotRecords, salesforceRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// CRM faults through the whole pipeline: each scenario ends with every record in both
// sandboxes exactly once. Retries are shortened (1–2 s) by the harness.
let h: SyncHarness
before(async () => { h = await startSyncHarness({ crmTimeoutMs: 500 }) })
after(() => h.close())
// Each scenario starts from healthy CRMs with fresh fault counters (records stay: every
// scenario uses customers of its own).
beforeEach(() => {
  h.hubspot.faults.reset()
  h.hubspot.setAccessToken(h.hubspot.accessToken)
  h.salesforce.faults.reset()
  h.salesforce.rejectTokens(false)
})

let n = 0
async function deliverCustomer (prefix: string): Promise<string> {
  n += 1
  const customer = `${prefix}_cust_${n}`
  const conversation = `${prefix}_conv_${n}`
  const at = (minute: number) => `2024-06-01T10:${String(minute).padStart(2, '0')}:00Z`
  const events = [
    { event: 'conversation.created', timestamp: at(0), data: { conversation_id: conversation, customer_id: customer, customer_name: `Test ${n}`, channel: 'sms', status: 'open' } },
    { event: 'message.received', timestamp: at(1), data: { conversation_id: conversation, message_id: `${prefix}_msg_${n}`, sender: 'customer', content: `hello ${n}`, channel: 'sms' } },
    { event: 'appointment.booked', timestamp: at(2), data: { conversation_id: conversation, customer_id: customer, customer_name: `Test ${n}`, customer_phone: '+15550000000', appointment_id: `${prefix}_apt_${n}`, appointment_time: '2024-06-02T09:00:00Z', service: 'Checkup' } }
  ]
  for (const event of events) assert.equal((await h.deliver(JSON.stringify(event))).status, 200)
  return customer
}

async function assertSyncedOnce (customers: string[]): Promise<void> {
  await until(async () => (await h.pool.query(
    "SELECT count(*)::int AS n FROM crm_records WHERE status = 'synced' AND entity_id = ANY($1)",
    [customers.flatMap((c) => [c, c.replace('cust', 'msg'), c.replace('cust', 'apt')])])).rows[0].n,
  (count) => count === customers.length * 3 * 2, { what: 'all records synced to both CRMs', timeoutMs: 60_000 })
  for (const customer of customers) {
    assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', customer).length, 1, customer)
    assert.equal(hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', customer.replace('cust', 'msg')).length, 1)
    assert.equal(hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', customer.replace('cust', 'apt')).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', customer).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', customer.replace('cust', 'msg')).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', customer.replace('cust', 'apt')).length, 1)
  }
}

test('when both CRMs answer a burst of 5xx, then everything is synced once after retries', async () => {
  h.hubspot.faults.set({ failNext: { count: 4, status: 502 } })
  h.salesforce.setFaults({ failNext: { count: 4, status: 503 } })
  const customers = [await deliverCustomer('burst'), await deliverCustomer('burst')]
  await assertSyncedOnce(customers)
  assert.ok(h.hubspot.faults.stats().failed >= 1)
})

test('when a CRM hangs longer than CRM_TIMEOUT_MS, then the call is abandoned and the retry syncs it', async () => {
  h.hubspot.faults.set({ hangNext: { count: 2, seconds: 30 } })
  const customers = [await deliverCustomer('hang')]
  const started = Date.now()
  await assertSyncedOnce(customers)
  assert.ok(Date.now() - started < 20_000, 'the 30 s hangs did not hold the sync')
  assert.equal(h.hubspot.faults.stats().hung, 2)
})

test('when HubSpot answers a 429 storm, then Retry-After is honoured and nothing fails for good', async () => {
  h.hubspot.faults.set({ rateLimitNext: { count: 6, retryAfterSeconds: 1 } })
  const customers = [await deliverCustomer('storm'), await deliverCustomer('storm')]
  await assertSyncedOnce(customers)
  const { rows } = await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE status = 'dead' AND entity_id LIKE 'storm_%'")
  assert.equal(rows[0].n, 0)
})

test('when the tokens expire, then Salesforce re-authorises and HubSpot retries until its token works again', async () => {
  h.salesforce.expireTokens()
  h.hubspot.expireToken()
  const customers = [await deliverCustomer('token')]
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE crm = 'hubspot' AND status = 'retrying' AND entity_id = $1", [customers[0]])).rows[0].n, (count) => count > 0)
  h.hubspot.setAccessToken(h.hubspot.accessToken)
  await assertSyncedOnce(customers)
})

test('when one record of a batch fails, then only it is retried and it lands once', async () => {
  const customer = `partial_cust_${n + 1}`
  h.hubspot.faults.set({ failRecords: { keys: [customer], times: 1 } })
  h.salesforce.setFaults({ failRecords: { keys: [customer], times: 1 } })
  const customers = [await deliverCustomer('partial'), await deliverCustomer('partial')]
  assert.equal(customers[0], customer)
  await assertSyncedOnce(customers)
  assert.equal(h.hubspot.faults.stats().recordFailures, 1)
})
