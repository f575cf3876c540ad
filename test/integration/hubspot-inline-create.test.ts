import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { seedAppointment, seedContact, seedMessage } from '../fixtures/seed-states.ts'

// Records the sync knows are new are CREATED with their association inline (one call per
// 100, no association batch); a create that meets an existing record falls back to upsert.
const sandbox = createHubspotSandbox()
let baseUrl = ''

before(async () => { baseUrl = await sandbox.listen(0, '127.0.0.1') })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

function connector (): CrmConnector {
  return createHubspotConnector({ accessToken: sandbox.accessToken, baseUrl, timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} } })
}

async function preparedWithJohn (crm: CrmConnector): Promise<string> {
  await crm.prepare()
  const [result] = await crm.upsertContacts([seedContact()])
  assert.ok(result?.ok)
  return result.crmId
}

const calls = (route: string) => sandbox.dump().requests.byRoute[`POST ${route}`] ?? 0
const messages = (contactId: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => seedMessage(contactId, { messageId: `msg_${from + i}`, content: `Message ${from + i}` }))
const linkedTo = (contactId: string, typeId: number) =>
  sandbox.dump().associations.filter((a) => a.toObjectId === contactId && a.associationTypeId === typeId)

test('when 150 new messages are written, then two batch creates carry their associations and no association call is made', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const batch = messages(contactId, 150)
  const results = await crm.upsertMessages(batch, undefined, { newKeys: new Set(batch.map((m) => m.messageId)) })
  assert.equal(results.length, 150)
  assert.ok(results.every((r) => r.ok))
  assert.equal(calls('/crm/v3/objects/communications/batch/create'), 2)
  assert.equal(calls('/crm/v3/objects/communications/batch/upsert'), 0)
  assert.equal(calls('/crm/v4/associations/communications/contacts/batch/create'), 0)
  const stored = sandbox.dump().objects.communications ?? []
  assert.equal(stored.length, 150)
  assert.equal(linkedTo(contactId, 81).length, 150)
  // Results matched by our id, field by field.
  for (const result of results) {
    const record = stored.find((c) => c.properties.agentclara_message_id === result.key)
    assert.equal(result.ok && result.crmId, record?.id)
    assert.equal(record?.properties.hs_communication_body, `Message ${result.key.slice(4)}`)
  }
})

test('when a "new" message already exists (an earlier answer was lost), then the create is refused and the upsert writes it once', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const [earlier] = await crm.upsertMessages([seedMessage(contactId, { messageId: 'msg_1', content: 'old text' })])
  assert.ok(earlier?.ok)
  const batch = messages(contactId, 3)
  const results = await crm.upsertMessages(batch, undefined, { newKeys: new Set(batch.map((m) => m.messageId)) })
  assert.deepEqual(results.map((r) => [r.key, r.ok]), [['msg_0', true], ['msg_1', true], ['msg_2', true]])
  assert.equal(sandbox.dump().requests.byStatus['409'], 1)
  const stored = sandbox.dump().objects.communications ?? []
  assert.equal(stored.length, 3)
  assert.equal(stored.filter((c) => c.properties.agentclara_message_id === 'msg_1').length, 1)
  assert.equal(stored.find((c) => c.properties.agentclara_message_id === 'msg_1')?.id, earlier.crmId)
  assert.equal(stored.find((c) => c.properties.agentclara_message_id === 'msg_1')?.properties.hs_communication_body, 'Message 1')
  assert.equal(linkedTo(contactId, 81).length, 3)
})

test('when one new record fails inside a create (207), then only it fails, retryable, and its retry creates it once', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  sandbox.faults.set({ failRecords: { keys: ['msg_1'], times: 1 } })
  const batch = messages(contactId, 3)
  const newKeys = new Set(batch.map((m) => m.messageId))
  const results = await crm.upsertMessages(batch, undefined, { newKeys })
  assert.equal(sandbox.dump().requests.byStatus['207'], 1)
  assert.deepEqual(results.map((r) => [r.key, r.ok]), [['msg_0', true], ['msg_1', false], ['msg_2', true]])
  const failed = results[1]
  assert.ok(failed && !failed.ok && failed.retryable)
  const [retried] = await crm.upsertMessages([batch[1] as (typeof batch)[number]], undefined, { newKeys: new Set(['msg_1']) })
  assert.ok(retried?.ok)
  assert.equal(sandbox.dump().objects.communications?.length, 3)
  assert.equal(linkedTo(contactId, 81).length, 3)
})

test('when new records are written again as new, then nothing is duplicated and every association stays single', async () => {
  const crm = connector()
  const contactId = await preparedWithJohn(crm)
  const batch = [...messages(contactId, 2), seedMessage(contactId, { messageId: 'note_1', channel: 'webchat' })]
  const newKeys = new Set(batch.map((m) => m.messageId))
  for (let i = 0; i < 3; i++) assert.ok((await crm.upsertMessages(batch, undefined, { newKeys })).every((r) => r.ok))
  const appointment = seedAppointment(contactId)
  for (let i = 0; i < 2; i++) assert.ok((await crm.upsertAppointments([appointment], undefined, { newKeys: new Set([appointment.appointmentId]) }))[0]?.ok)
  const state = sandbox.dump()
  assert.equal(state.objects.communications?.length, 2)
  assert.equal(state.objects.notes?.length, 1)
  assert.equal(state.objects.meetings?.length, 1)
  assert.equal(linkedTo(contactId, 81).length, 2)
  assert.equal(linkedTo(contactId, 202).length, 1)
  assert.equal(linkedTo(contactId, 200).length, 1)
})

test('when the create is refused for a new record whose contact is gone, then the upsert path reports it per record', async () => {
  const crm = connector()
  await preparedWithJohn(crm)
  const batch = messages('999999', 1)
  const results = await crm.upsertMessages(batch, undefined, { newKeys: new Set(['msg_0']) })
  assert.equal(results.length, 1)
  assert.equal(results[0]?.ok, false)
})
