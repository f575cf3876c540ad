import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { seedContact } from '../fixtures/seed-states.ts'
import { editedDefault } from '../helpers/mapping-files.ts'

// Write policies through the real @hubspot/api-client against the sandbox portal.
const sandbox = createHubspotSandbox()
let baseUrl = ''
before(async () => { baseUrl = await sandbox.listen(0, '127.0.0.1') })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

const PHONE_IF_EMPTY: [string, string] = ['target: phone, policy: always', 'target: phone, policy: if_empty']
const LASTNAME_NEVER: [string, string] = ['target: lastname, policy: always', 'target: lastname, policy: never']

async function prepared (edits: Array<[string, string]>): Promise<CrmConnector> {
  const crm = createHubspotConnector({
    accessToken: sandbox.accessToken, baseUrl, timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} }, mappingFile: editedDefault('hubspot', edits).path
  })
  await crm.prepare()
  return crm
}

/** Someone else edits the contact in HubSpot. */
async function editInHubspot (id: string, properties: Record<string, string>): Promise<void> {
  const response = await fetch(`${baseUrl}/crm/v3/objects/contacts/${id}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${sandbox.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ properties })
  })
  assert.equal(response.status, 200)
}

const contact = () => sandbox.dump().objects.contacts?.[0]?.properties ?? {}
const calls = (route: string) => sandbox.dump().requests.byRoute[route] ?? 0
const READ = 'POST /crm/v3/objects/contacts/batch/read'
const UPSERT = 'POST /crm/v3/objects/contacts/batch/upsert'

test('when a contact is created with an if_empty field, then it is written: on create there is nothing to protect', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const [result] = await crm.upsertContacts([seedContact()])
  assert.deepEqual(result && { ok: result.ok, skipped: result.ok && result.skipped }, { ok: true, skipped: [] })
  assert.equal(contact().phone, '+15551234567')
})

test('when someone edits an if_empty field in HubSpot, then later syncs keep their value and report it as skipped', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok)
  await editInHubspot(created.crmId, { phone: '+15559990000' })

  const [again] = await crm.upsertContacts([seedContact({ phone: '+15550001111', conversationStatus: 'closed' })])
  assert.deepEqual(again, { key: 'cust_xyz789', ok: true, crmId: created.crmId, skipped: ['phone'] })
  assert.equal(contact().phone, '+15559990000', 'their value stays')
  assert.equal(contact().agentclara_conversation_status, 'closed', 'always fields still update')
})

test('when an if_empty field was emptied in HubSpot, then the next sync fills it again', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok)
  await editInHubspot(created.crmId, { phone: '' })
  const [again] = await crm.upsertContacts([seedContact({ phone: '+15550001111' })])
  assert.ok(again?.ok && again.skipped?.length === 0)
  assert.equal(contact().phone, '+15550001111')
})

test('when a field is mapped never, then the sync leaves it untouched, on create and after an edit', async () => {
  const crm = await prepared([LASTNAME_NEVER])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok)
  assert.equal(contact().lastname, undefined)
  await editInHubspot(created.crmId, { lastname: 'Smythe' })
  await crm.upsertContacts([seedContact({ name: 'John Smith-Jones' })])
  assert.equal(contact().lastname, 'Smythe')
  assert.equal(contact().firstname, 'John')
})

test('when 250 contacts with an if_empty field sync, then HubSpot gets ceil(250/100) = 3 batch reads, one per upsert batch', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const many = Array.from({ length: 250 }, (_, i) => seedContact({ customerId: `cust_${i}` }))
  await crm.upsertContacts(many)
  assert.equal(calls(READ), 3)
  assert.equal(calls(UPSERT), 3)
  await crm.upsertContacts(many)
  assert.equal(calls(READ), 6, 'one read per upsert batch, never one per record')
})

test('when no contact field is if_empty, then the sync reads nothing back', async () => {
  const crm = await prepared([LASTNAME_NEVER])
  await crm.upsertContacts(Array.from({ length: 150 }, (_, i) => seedContact({ customerId: `cust_${i}` })))
  assert.equal(calls(READ), 0)
  assert.equal(calls(UPSERT), 2)
})
