import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { hubspotRecords, salesforceRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(() => h.close())

const event = (type: string, timestamp: string, data: Record<string, unknown>) => JSON.stringify({ event: type, timestamp, data })
const syncedCount = async (crm: string, type: string, id: string) =>
  Number((await h.pool.query("SELECT count(*) FROM crm_records WHERE crm = $1 AND entity_type = $2 AND entity_id = $3 AND status = 'synced'", [crm, type, id])).rows[0].count)

// Delivering the seed is idempotent (duplicates answer 200 too), so each test that needs
// John Smith delivers him itself.
const deliverSeed = async () => {
  for (const type of seedEventTypes) assert.equal((await h.deliver(seedEventBody(type))).status, 200)
}
const syncIdle = () => until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name LIKE 'sync-%' AND state IN ('created', 'retry', 'active')")).rows[0].n,
  (n) => n === 0, { what: 'no sync job left' })

test('when the seed\'s five events arrive, then HubSpot has one contact with a communication and a meeting associated to it', async () => {
  await deliverSeed()

  const [contact] = await until(() => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789'),
    (found) => found.length === 1 && found[0]?.properties.phone === '+15551234567' && found[0]?.properties.agentclara_conversation_status === 'closed', { what: 'HubSpot contact' })
  assert.ok(contact)
  assert.equal(contact.properties.firstname, 'John')
  assert.equal(contact.properties.lastname, 'Smith')

  const [communication] = await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123'), (found) => found.length === 1)
  assert.equal(communication?.properties.hs_communication_body, 'Can I reschedule my appointment?')
  assert.equal(communication?.properties.hs_communication_channel_type, 'SMS')
  const [meeting] = await until(() => hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', 'apt_123'), (found) => found.length === 1)
  assert.equal(new Date(meeting?.properties.hs_meeting_start_time ?? '').toISOString(), '2024-03-16T14:00:00.000Z')
  assert.equal(meeting?.properties.hs_meeting_title, 'Haircut')

  const associated = (fromType: string, fromId: string | undefined, typeId: number) => h.hubspot.dump().associations
    .some((a) => a.fromObjectType === fromType && a.fromObjectId === fromId && a.toObjectType === 'contacts' && a.toObjectId === contact.id && a.associationTypeId === typeId)
  await until(() => associated('communications', communication?.id, 81) && associated('meetings', meeting?.id, 200), Boolean, { what: 'associations' })
})

test('when the seed\'s five events arrive, then Salesforce has one Contact with a Task and an Event linked by WhoId', async () => {
  await deliverSeed()
  const [contact] = await until(() => salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', 'cust_xyz789'),
    (found) => found.length === 1 && found[0]?.Phone === '+15551234567', { what: 'Salesforce Contact' })
  assert.equal(contact?.FirstName, 'John')
  assert.equal(contact?.LastName, 'Smith')
  const [task] = await until(() => salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', 'msg_123'), (found) => found.length === 1)
  assert.equal(task?.Description, 'Can I reschedule my appointment?')
  assert.equal(task?.Status, 'Completed')
  assert.equal(task?.WhoId, contact?.Id)
  const [appointment] = await until(() => salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', 'apt_123'), (found) => found.length === 1)
  assert.equal(new Date(String(appointment?.StartDateTime)).toISOString(), '2024-03-16T14:00:00.000Z')
  assert.equal(appointment?.Subject, 'Haircut')
  assert.equal(appointment?.WhoId, contact?.Id)
})

test('when every seed event is delivered again, also concurrently, then no CRM record is duplicated', async () => {
  await Promise.all(seedEventTypes.flatMap((type) => [h.deliver(seedEventBody(type)), h.deliver(seedEventBody(type))]))
  await until(() => syncedCount('salesforce', 'appointment', 'apt_123'), (n) => n === 1)
  await syncIdle()
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789').length, 1)
  assert.equal(hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123').length, 1)
  assert.equal(hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', 'apt_123').length, 1)
  assert.equal(salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', 'cust_xyz789').length, 1)
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', 'msg_123').length, 1)
  assert.equal(salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', 'apt_123').length, 1)
})

test('when a message arrives before its conversation, then it waits and lands on the right contact', async () => {
  const message = event('message.received', '2024-04-01T09:01:00Z', { conversation_id: 'conv_late', message_id: 'msg_early', sender: 'customer', content: 'Hello early', channel: 'whatsapp' })
  assert.equal((await h.deliver(message)).status, 200)
  await until(async () => (await h.pool.query("SELECT status FROM webhook_events WHERE payload->'data'->>'message_id' = 'msg_early'")).rows[0]?.status, (status) => status === 'waiting', { what: 'message waiting' })
  assert.equal(hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_early').length, 0, 'never synced to a placeholder')

  await h.deliver(event('conversation.created', '2024-04-01T09:00:00Z', { conversation_id: 'conv_late', customer_id: 'cust_late', customer_name: 'Ada Lovelace', channel: 'whatsapp', status: 'open' }))
  const [contact] = await until(() => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_late'), (found) => found.length === 1)
  const [communication] = await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_early'), (found) => found.length === 1, { what: 'late message synced' })
  assert.equal(communication?.properties.hs_communication_channel_type, 'WHATS_APP')
  await until(() => h.hubspot.dump().associations.some((a) => a.fromObjectId === communication?.id && a.toObjectId === contact?.id), Boolean)
  const [sfContact] = await until(() => salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', 'cust_late'), (found) => found.length === 1)
  await until(() => salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', 'msg_early'), (found) => found.length === 1 && found[0]?.WhoId === sfContact?.Id)
})

test('when an older update arrives after a newer one, then the stale status is ignored', async () => {
  await h.deliver(event('conversation.created', '2024-05-01T10:00:00Z', { conversation_id: 'conv_order', customer_id: 'cust_order', customer_name: 'Grace Hopper', channel: 'sms', status: 'open' }))
  await h.deliver(event('conversation.updated', '2024-05-01T10:10:00Z', { conversation_id: 'conv_order', status: 'closed', tags: ['resolved'] }))
  await until(() => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_order'), (found) => found[0]?.properties.agentclara_conversation_status === 'closed')
  await h.deliver(event('conversation.updated', '2024-05-01T10:05:00Z', { conversation_id: 'conv_order', status: 'pending', tags: ['stale'] }))
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM webhook_events WHERE status = 'applied' AND payload->'data'->>'conversation_id' = 'conv_order'")).rows[0].n, (n) => n === 3)
  const { rows } = await h.pool.query("SELECT status, tags FROM conversations WHERE id = 'conv_order'")
  assert.deepEqual(rows[0], { status: 'closed', tags: ['resolved'] })
  await syncIdle()
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_order')[0]?.properties.agentclara_conversation_status, 'closed')
})
