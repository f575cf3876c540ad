import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { salesforceRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { syncSettled } from '../helpers/sync-settled.ts'

// SALESFORCE_PERSON_OBJECT=Lead end to end: webhook → mirror → jsforce → sandbox org.
let h: SyncHarness
before(async () => { h = await startSyncHarness({ salesforcePersonObject: 'Lead' }) })
after(() => h.close())

test('when the seed events sync in Lead mode, then John Smith is a Lead with a Company, and his Task and Event point at it', async () => {
  for (const type of seedEventTypes) assert.equal((await h.deliver(seedEventBody(type))).status, 200)
  await syncSettled(h, seedEventTypes.length)

  assert.deepEqual(salesforceRecords(h.salesforce, 'Contact'), [])
  const [lead] = salesforceRecords(h.salesforce, 'Lead', 'AgentClara_Customer_Id__c', 'cust_xyz789')
  assert.equal(lead?.FirstName, 'John')
  assert.equal(lead?.LastName, 'Smith')
  assert.equal(lead?.Company, 'John Smith')
  assert.equal(lead?.Phone, '+15551234567')
  assert.equal(lead?.Status, 'Open - Not Contacted', 'defaulted on create, never written by us')
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', 'msg_123')[0]?.WhoId, lead?.Id)
  assert.equal(salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', 'apt_123')[0]?.WhoId, lead?.Id)
})

test('when a rep corrects the Lead\'s Company, then the next sync keeps it and records that Salesforce owns it', async () => {
  const [lead] = salesforceRecords(h.salesforce, 'Lead', 'AgentClara_Customer_Id__c', 'cust_xyz789')
  const response = await fetch(`${h.salesforceUrl}/services/data/v62.0/sobjects/Lead/${lead?.Id}`, {
    method: 'PATCH', headers: await salesforceAuth(), body: JSON.stringify({ Company: 'Smith Barbers Ltd' })
  })
  assert.equal(response.status, 204)

  // A change the Lead mapping writes (the name: a change it does not write costs no call).
  const update = { event: 'conversation.created', timestamp: '2024-03-16T09:00:00Z', data: { conversation_id: 'conv_abc123', customer_id: 'cust_xyz789', customer_name: 'John Smyth', channel: 'sms', status: 'open' } }
  assert.equal((await h.deliver(JSON.stringify(update))).status, 200)
  await syncSettled(h, seedEventTypes.length + 1)

  assert.equal(salesforceRecords(h.salesforce, 'Lead')[0]?.LastName, 'Smyth')
  assert.equal(salesforceRecords(h.salesforce, 'Lead')[0]?.Company, 'Smith Barbers Ltd')
  const { rows } = await h.pool.query("SELECT crm, entity_type, entity_id, field FROM crm_field_ownership WHERE crm = 'salesforce'")
  assert.deepEqual(rows, [{ crm: 'salesforce', entity_type: 'contact', entity_id: 'cust_xyz789', field: 'Company' }])
})

async function salesforceAuth (): Promise<Record<string, string>> {
  const token = await fetch(`${h.salesforceUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: h.salesforce.clientId, client_secret: h.salesforce.clientSecret })
  })
  return { authorization: `Bearer ${((await token.json()) as { access_token: string }).access_token}`, 'content-type': 'application/json' }
}
