import assert from 'node:assert/strict'
import { hubspotRecords, salesforceRecords, type SyncHarness } from './sync-harness.ts'
import { until } from './until.ts'

// Building blocks of the whole-pipeline CRM fault scenarios: a customer delivered through the
// webhook, and the check that each of its records landed exactly once in both sandboxes.

/** The message and appointment ids that go with a customer id like `burst_cust_1`. */
const related = (customer: string) => ({ message: customer.replace('cust', 'msg'), appointment: customer.replace('cust', 'apt') })

/** Delivers a conversation, a message and an appointment for `customer` (an id containing `cust`). */
export async function deliverCustomer (h: SyncHarness, customer: string): Promise<string> {
  const { message, appointment } = related(customer)
  const conversation = customer.replace('cust', 'conv')
  const at = (minute: number) => `2024-06-01T10:${String(minute).padStart(2, '0')}:00Z`
  const events = [
    { event: 'conversation.created', timestamp: at(0), data: { conversation_id: conversation, customer_id: customer, customer_name: `Test ${customer}`, channel: 'sms', status: 'open' } },
    { event: 'message.received', timestamp: at(1), data: { conversation_id: conversation, message_id: message, sender: 'customer', content: `hello from ${customer}`, channel: 'sms' } },
    { event: 'appointment.booked', timestamp: at(2), data: { conversation_id: conversation, customer_id: customer, customer_name: `Test ${customer}`, customer_phone: '+15550000000', appointment_id: appointment, appointment_time: '2024-06-02T09:00:00Z', service: 'Checkup' } }
  ]
  for (const event of events) assert.equal((await h.deliver(JSON.stringify(event))).status, 200)
  return customer
}

/** Waits until every record of `customers` is synced to both CRMs, then checks each exists exactly once. */
export async function assertSyncedOnce (h: SyncHarness, customers: string[]): Promise<void> {
  await until(async () => (await h.pool.query(
    "SELECT count(*)::int AS n FROM crm_records WHERE status = 'synced' AND entity_id = ANY($1)",
    [customers.flatMap((c) => [c, related(c).message, related(c).appointment])])).rows[0].n,
  (count) => count === customers.length * 3 * 2, { what: 'all records synced to both CRMs', timeoutMs: 60_000 })
  for (const customer of customers) {
    const { message, appointment } = related(customer)
    assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', customer).length, 1, customer)
    assert.equal(hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', message).length, 1)
    assert.equal(hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', appointment).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', customer).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', message).length, 1)
    assert.equal(salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', appointment).length, 1)
  }
}

/** Healthy CRMs with fresh fault counters (records stay: every scenario uses customers of its own). */
export function healCrms (h: SyncHarness): void {
  h.hubspot.faults.reset()
  h.hubspot.setAccessToken(h.hubspot.accessToken)
  h.salesforce.faults.reset()
  h.salesforce.rejectTokens(false)
}
