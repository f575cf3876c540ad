import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { CrmPermanentError } from '../../src/crm/errors.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { seedAppointment, seedContact, seedMessage } from '../fixtures/seed-states.ts'

// The real @hubspot/api-client, through our connector, over HTTP to the sandbox.
const sandbox = createHubspotSandbox()
let baseUrl = ''

before(async () => { baseUrl = await sandbox.listen(0, '127.0.0.1') })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

function connector (options: { appointmentObject?: 'meetings' | 'appointments' } = {}): CrmConnector {
  return createHubspotConnector({
    accessToken: sandbox.accessToken,
    baseUrl,
    timeoutMs: 5000,
    limiter: { acquire: async () => {}, pause: () => {} },
    ...options
  })
}

const john = seedContact()

async function preparedWithJohn (crm: CrmConnector): Promise<string> {
  await crm.prepare()
  const [result] = await crm.upsertContacts([john])
  assert.ok(result?.ok)
  return result.crmId
}

const upsertCalls = (objectType: string) => sandbox.dump().requests.byRoute[`POST /crm/v3/objects/${objectType}/batch/upsert`] ?? 0

test('when prepare runs twice, then the custom properties are created once', async () => {
  const crm = connector()
  await crm.prepare()
  const created = sandbox.dump().propertiesCreated
  assert.deepEqual(created.filter((p) => p.objectType === 'contacts').map((p) => p.name).sort(), [
    'agentclara_conversation_id', 'agentclara_conversation_status', 'agentclara_conversation_tags',
    'agentclara_customer_id', 'agentclara_last_contact_at', 'agentclara_last_message'
  ])
  assert.ok(created.some((p) => p.objectType === 'communications' && p.name === 'agentclara_message_id'))
  assert.ok(created.some((p) => p.objectType === 'notes' && p.name === 'agentclara_message_id'))
  assert.ok(created.some((p) => p.objectType === 'meetings' && p.name === 'agentclara_appointment_id'))

  await crm.prepare()
  assert.equal(sandbox.dump().propertiesCreated.length, created.length)

  const response = await fetch(`${baseUrl}/crm/v3/properties/contacts/agentclara_customer_id`, {
    headers: { authorization: `Bearer ${sandbox.accessToken}` }
  })
  assert.equal(((await response.json()) as { hasUniqueValue: boolean }).hasUniqueValue, true)
})

test('when contacts are written before prepare, then HubSpot rejects the unknown property as permanent', async () => {
  await assert.rejects(connector().upsertContacts([john]), (err: unknown) => {
    assert.ok(err instanceof CrmPermanentError)
    assert.equal(err.status, 400)
    assert.match(err.message, /PROPERTY_DOESNT_EXIST|does not exist/)
    return true
  })
  assert.equal(sandbox.dump().objects.contacts?.length, 0)
})

test('when the same contact is upserted twice, then there is one contact with John / Smith / phone', async () => {
  const crm = connector()
  const first = await preparedWithJohn(crm)
  const [second] = await crm.upsertContacts([{ ...john, conversationStatus: 'closed', conversationTags: ['resolved', 'satisfied'] }])
  assert.deepEqual(second, { key: 'cust_xyz789', ok: true, crmId: first })

  const contacts = sandbox.dump().objects.contacts ?? []
  assert.equal(contacts.length, 1)
  assert.equal(contacts[0]?.properties.firstname, 'John')
  assert.equal(contacts[0]?.properties.lastname, 'Smith')
  assert.equal(contacts[0]?.properties.phone, '+15551234567')
  assert.equal(contacts[0]?.properties.agentclara_conversation_tags, 'resolved;satisfied')
})

test('when an sms message is synced, then a communication with its text is associated to the contact (type 81)', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const [result] = await crm.upsertMessages([seedMessage(contactId)])
  assert.ok(result?.ok)

  const state = sandbox.dump()
  const communication = state.objects.communications?.[0]
  assert.equal(communication?.id, result.crmId)
  assert.equal(communication?.properties.hs_communication_body, 'Can I reschedule my appointment?')
  assert.equal(communication?.properties.hs_communication_channel_type, 'SMS')
  assert.ok(state.associations.some((a) => a.fromObjectType === 'communications' && a.fromObjectId === result.crmId &&
    a.toObjectType === 'contacts' && a.toObjectId === contactId && a.associationTypeId === 81))
})

test('when a message is synced twice, then there is still one communication and one association', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  await crm.upsertMessages([seedMessage(contactId)])
  await crm.upsertMessages([seedMessage(contactId)])
  const state = sandbox.dump()
  assert.equal(state.objects.communications?.length, 1)
  assert.equal(state.associations.filter((a) => a.associationTypeId === 81).length, 1)
})

test('when a webchat message is synced, then it becomes a note associated to the contact (type 202)', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const [result] = await crm.upsertMessages([seedMessage(contactId, { messageId: 'msg_124', channel: 'webchat' })])
  assert.ok(result?.ok)
  const state = sandbox.dump()
  assert.match(state.objects.notes?.[0]?.properties.hs_note_body ?? '', /^\[webchat\] customer: Can I reschedule/)
  assert.ok(state.associations.some((a) => a.fromObjectId === result.crmId && a.toObjectId === contactId && a.associationTypeId === 202))
})

test('when an appointment is synced, then a meeting at 2024-03-16T14:00:00Z is associated to the contact (type 200)', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const [result] = await crm.upsertAppointments([seedAppointment(contactId)])
  assert.ok(result?.ok)
  const state = sandbox.dump()
  const meeting = state.objects.meetings?.[0]
  assert.equal(meeting?.properties.hs_meeting_title, 'Haircut')
  assert.equal(Date.parse(meeting?.properties.hs_meeting_start_time ?? ''), Date.parse('2024-03-16T14:00:00Z'))
  assert.equal(Date.parse(meeting?.properties.hs_meeting_end_time ?? ''), Date.parse('2024-03-16T15:00:00Z'))
  assert.ok(state.associations.some((a) => a.fromObjectType === 'meetings' && a.fromObjectId === result.crmId &&
    a.toObjectId === contactId && a.associationTypeId === 200))
})

test('when appointments go to the Appointments object, then a 0-421 record is default-associated to the contact', async () => {
  const crm = connector({ appointmentObject: 'appointments' })
  const contactId = await preparedWithJohn(crm)
  assert.ok(sandbox.dump().propertiesCreated.some((p) => p.objectType === 'appointments' && p.name === 'agentclara_appointment_id'))
  const [result] = await crm.upsertAppointments([seedAppointment(contactId)])
  assert.ok(result?.ok)
  const state = sandbox.dump()
  assert.equal(state.objects.meetings?.length, 0)
  const record = state.objects.appointments?.[0]
  assert.equal(record?.properties.hs_appointment_name, 'Haircut')
  assert.equal(Date.parse(record?.properties.hs_appointment_start ?? ''), Date.parse('2024-03-16T14:00:00Z'))
  assert.ok(state.associations.some((a) => a.fromObjectType === 'appointments' && a.fromObjectId === result.crmId && a.toObjectId === contactId))
  assert.equal(state.requests.byRoute['POST /crm/v4/associations/0-421/contacts/batch/associate/default'], 1)
})

test('when 150 contacts are upserted, then it takes two batch calls and every contact gets its own id', async () => {
  const crm = connector()
  await crm.prepare()
  const contacts = Array.from({ length: 150 }, (_, i) => ({ ...john, customerId: `cust_${i}`, phone: `+1555000${String(i).padStart(4, '0')}` }))
  const results = await crm.upsertContacts(contacts)
  assert.equal(upsertCalls('contacts'), 2)
  assert.equal(results.length, 150)
  assert.ok(results.every((r) => r.ok))
  assert.equal(new Set(results.map((r) => r.ok && r.crmId)).size, 150)
  // Results are matched by agentclara_customer_id, not by position.
  const byCustomer = new Map((sandbox.dump().objects.contacts ?? []).map((c) => [c.properties.agentclara_customer_id, c.id]))
  for (const result of results) assert.equal(result.ok && result.crmId, byCustomer.get(result.key))
})

test('when a key repeats in the input, then one record is written with the last value', async () => {
  const crm = connector()
  await crm.prepare()
  const results = await crm.upsertContacts([john, { ...john, name: 'Johnny Smith' }])
  assert.equal(results.length, 1)
  const contacts = sandbox.dump().objects.contacts ?? []
  assert.equal(contacts.length, 1)
  assert.equal(contacts[0]?.properties.firstname, 'Johnny')
  assert.equal(sandbox.dump().requests.byStatus['400'], undefined)
})

test('when one record fails inside a batch (207), then only that record fails and the others succeed', async () => {
  const crm = connector()
  await crm.prepare()
  sandbox.faults.set({ failRecords: { keys: ['cust_2'], times: 1 } })
  const contacts = ['cust_1', 'cust_2', 'cust_3'].map((customerId) => ({ ...john, customerId }))
  const results = await crm.upsertContacts(contacts)
  assert.equal(sandbox.dump().requests.byStatus['207'], 1)
  assert.deepEqual(results.map((r) => [r.key, r.ok]), [['cust_1', true], ['cust_2', false], ['cust_3', true]])
  const failed = results[1]
  assert.ok(failed && !failed.ok)
  assert.equal(failed.retryable, true)
  assert.match(failed.error, /INTERNAL_ERROR/)
  assert.equal(sandbox.dump().objects.contacts?.length, 2)
})

test('when recordUrl is asked with a portal id, then it links to the contact page', () => {
  const crm = createHubspotConnector({
    accessToken: 't', baseUrl, timeoutMs: 1000, portalId: '987', limiter: { acquire: async () => {}, pause: () => {} }
  })
  assert.equal(crm.recordUrl?.('contact', '1000'), 'https://app.hubspot.com/contacts/987/record/0-1/1000')
})

test('when a contact has an unparsable instant, then only that record fails, permanently', async () => {
  const crm = connector()
  await crm.prepare()
  const results = await crm.upsertContacts([{ ...john, customerId: 'cust_bad', lastContactAt: 'yesterday-ish' }, john])
  const bad = results.find((r) => r.key === 'cust_bad')
  assert.ok(bad && !bad.ok && !bad.retryable)
  assert.equal(results.find((r) => r.key === 'cust_xyz789')?.ok, true)
})
