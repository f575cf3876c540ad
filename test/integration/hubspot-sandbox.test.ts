import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import request from 'supertest'
import { createHubspotSandbox, type SandboxState } from '../../src/sandbox/hubspot/index.ts'

// Protocol checks straight against the sandbox's HTTP surface (supertest, no port).
const sandbox = createHubspotSandbox({ accessToken: 'test-token' })
const api = request(sandbox.app)
const auth = { authorization: 'Bearer test-token' }
let baseUrl = ''

before(async () => { baseUrl = await sandbox.listen() })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

async function createUniqueProperty (objectType = 'contacts', name = 'agentclara_customer_id') {
  const res = await api.post(`/crm/v3/properties/${objectType}`).set(auth)
    .send({ name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true })
  assert.equal(res.status, 201)
}

test('when a request has no token or a wrong one, then it gets HubSpot\'s 401 body', async () => {
  const missing = await api.get('/crm/v3/properties/contacts')
  assert.equal(missing.status, 401)
  assert.equal(missing.body.status, 'error')
  assert.equal(missing.body.category, 'INVALID_AUTHENTICATION')
  assert.ok(missing.body.correlationId)
  const wrong = await api.get('/crm/v3/properties/contacts').set({ authorization: 'Bearer nope' })
  assert.equal(wrong.status, 401)
})

test('when requests exceed the rolling limit, then HubSpot\'s headers count down and a 429 body follows', async () => {
  sandbox.setRateLimit({ max: 3, intervalMs: 60_000 })
  const remaining: string[] = []
  for (let i = 0; i < 3; i++) {
    const res = await api.get('/crm/v3/properties/contacts').set(auth)
    assert.equal(res.status, 200)
    assert.equal(res.headers['x-hubspot-ratelimit-max'], '3')
    assert.equal(res.headers['x-hubspot-ratelimit-interval-milliseconds'], '60000')
    assert.ok(res.headers['x-hubspot-ratelimit-daily-remaining'])
    remaining.push(res.headers['x-hubspot-ratelimit-remaining'] ?? '')
  }
  assert.deepEqual(remaining, ['2', '1', '0'])
  const limited = await api.get('/crm/v3/properties/contacts').set(auth)
  assert.equal(limited.status, 429)
  assert.equal(limited.body.policyName, 'TEN_SECONDLY_ROLLING')
  assert.equal(limited.body.errorType, 'RATE_LIMIT')
  assert.equal(limited.body.message, 'You have reached your ten_secondly_rolling limit.')
  assert.ok(Number(limited.headers['retry-after']) > 0)
  assert.equal(sandbox.dump().requests.rateLimited, 1)
})

test('when an unknown property is written, then it is a 400 PROPERTY_DOESNT_EXIST validation error', async () => {
  const res = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { lastname: 'Smith', agentclara_customer_id: 'x' } })
  assert.equal(res.status, 400)
  assert.equal(res.body.category, 'VALIDATION_ERROR')
  assert.match(res.body.message, /PROPERTY_DOESNT_EXIST/)
})

test('when an enum value has the wrong case, then it is a 400 INVALID_OPTION', async () => {
  const res = await api.post('/crm/v3/objects/communications').set(auth).send({
    properties: { hs_communication_channel_type: 'sms', hs_communication_logged_from: 'CRM', hs_timestamp: '2024-03-15T10:32:00Z' }
  })
  assert.equal(res.status, 400)
  assert.match(res.body.message, /INVALID_OPTION/)
})

test('when an engagement has no hs_timestamp, then it is rejected; with one it is created (201)', async () => {
  const missing = await api.post('/crm/v3/objects/notes').set(auth).send({ properties: { hs_note_body: 'hi' } })
  assert.equal(missing.status, 400)
  assert.match(missing.body.message, /hs_timestamp/)
  const created = await api.post('/crm/v3/objects/0-46').set(auth).send({ properties: { hs_note_body: 'hi', hs_timestamp: '2024-03-15T10:32:00Z' } })
  assert.equal(created.status, 201)
  assert.match(created.body.id, /^\d+$/)
  assert.equal(created.body.archived, false)
})

test('when a second record takes a unique value, then it is a 409 alone and in a batch create nothing is created', async () => {
  await createUniqueProperty()
  const first = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { agentclara_customer_id: 'cust_1' } })
  assert.equal(first.status, 201)
  const second = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { agentclara_customer_id: 'cust_1' } })
  assert.equal(second.status, 409)
  const batch = await api.post('/crm/v3/objects/contacts/batch/create').set(auth).send({
    inputs: [{ properties: { agentclara_customer_id: 'cust_1' } }, { properties: { agentclara_customer_id: 'cust_2' } }]
  })
  assert.equal(batch.status, 409)
  assert.equal(batch.body.category, 'CONFLICT')
  assert.match(batch.body.message, /already exists\. Existing ID: \d+/)
  assert.equal(sandbox.dump().objects.contacts?.length, 1)
  const twice = await api.post('/crm/v3/objects/contacts/batch/create').set(auth).send({
    inputs: [{ properties: { agentclara_customer_id: 'cust_3' } }, { properties: { agentclara_customer_id: 'cust_3' } }]
  })
  assert.equal(twice.status, 409)
  assert.equal(sandbox.dump().objects.contacts?.length, 1)
})

test('when a batch upsert repeats an id, then the whole batch is a 400 and nothing is written', async () => {
  await createUniqueProperty()
  const res = await api.post('/crm/v3/objects/contacts/batch/upsert').set(auth).send({
    inputs: [
      { idProperty: 'agentclara_customer_id', id: 'cust_1', properties: { lastname: 'A' } },
      { idProperty: 'agentclara_customer_id', id: 'cust_1', properties: { lastname: 'B' } }
    ]
  })
  assert.equal(res.status, 400)
  assert.match(res.body.message, /Duplicate IDs/)
  assert.equal(sandbox.dump().objects.contacts?.length, 0)
})

test('when a batch has more than 100 inputs, then it is a 400', async () => {
  await createUniqueProperty()
  const inputs = Array.from({ length: 101 }, (_, i) => ({ idProperty: 'agentclara_customer_id', id: `c${i}`, properties: {} }))
  const res = await api.post('/crm/v3/objects/contacts/batch/upsert').set(auth).send({ inputs })
  assert.equal(res.status, 400)
})

test('when upserting by a property that is not unique, then it is a 400', async () => {
  const res = await api.post('/crm/v3/objects/contacts/batch/upsert').set(auth).send({
    inputs: [{ idProperty: 'phone', id: '+15551234567', properties: {} }]
  })
  assert.equal(res.status, 400)
})

test('when a batch upsert writes new then existing records, then `new` says which and GET by idProperty finds it', async () => {
  await createUniqueProperty()
  const body = { inputs: [{ idProperty: 'agentclara_customer_id', id: 'cust_1', properties: { firstname: 'John' } }] }
  const first = await api.post('/crm/v3/objects/contacts/batch/upsert').set(auth).send(body)
  assert.equal(first.status, 200)
  assert.equal(first.body.status, 'COMPLETE')
  assert.equal(first.body.results[0].new, true)
  const second = await api.post('/crm/v3/objects/contacts/batch/upsert').set(auth).send(body)
  assert.equal(second.body.results[0].new, false)
  assert.equal(second.body.results[0].id, first.body.results[0].id)
  const found = await api.get('/crm/v3/objects/contacts/cust_1?idProperty=agentclara_customer_id').set(auth)
  assert.equal(found.status, 200)
  assert.equal(found.body.properties.firstname, 'John')
  const missing = await api.get('/crm/v3/objects/contacts/999999').set(auth)
  assert.equal(missing.status, 404)
})

test('when a property is created twice, then the second answer is 409', async () => {
  await createUniqueProperty()
  const again = await api.post('/crm/v3/properties/contacts').set(auth)
    .send({ name: 'agentclara_customer_id', label: 'x', type: 'string', fieldType: 'text', groupName: 'contactinformation' })
  assert.equal(again.status, 409)
  assert.deepEqual(sandbox.dump().propertiesCreated, [{ objectType: 'contacts', name: 'agentclara_customer_id' }])
})

test('when records are associated twice or with an unknown type id, then one association is kept and bad ids are 400', async () => {
  const contact = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { lastname: 'Smith' } })
  const note = await api.post('/crm/v3/objects/notes').set(auth).send({ properties: { hs_note_body: 'x', hs_timestamp: '2024-03-15T10:32:00Z' } })
  const input = { inputs: [{ from: { id: note.body.id }, to: { id: contact.body.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }] }
  assert.equal((await api.post('/crm/v4/associations/notes/contacts/batch/create').set(auth).send(input)).status, 201)
  assert.equal((await api.post('/crm/v4/associations/0-46/0-1/batch/create').set(auth).send(input)).status, 201)
  const bad = await api.put(`/crm/v4/objects/notes/${String(note.body.id)}/associations/contacts/${String(contact.body.id)}`).set(auth)
    .send([{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 81 }])
  assert.equal(bad.status, 400)
  const listed = await api.get(`/crm/v4/objects/contacts/${String(contact.body.id)}/associations/notes`).set(auth)
  assert.equal(listed.status, 200)
  assert.deepEqual(listed.body.results, [{ toObjectId: Number(note.body.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 201, label: null }] }])
})

test('when associations are batch read, then associated ids list their targets and the others are 207 NO_ASSOCIATIONS_FOUND errors', async () => {
  const contact = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { lastname: 'Smith' } })
  const note = await api.post('/crm/v3/objects/notes').set(auth).send({ properties: { hs_note_body: 'x', hs_timestamp: '2024-03-15T10:32:00Z' } })
  const lonely = await api.post('/crm/v3/objects/notes').set(auth).send({ properties: { hs_note_body: 'y', hs_timestamp: '2024-03-15T10:32:00Z' } })
  await api.post('/crm/v4/associations/notes/contacts/batch/create').set(auth)
    .send({ inputs: [{ from: { id: note.body.id }, to: { id: contact.body.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }] })
  const res = await api.post('/crm/v4/associations/notes/contacts/batch/read').set(auth).send({ inputs: [{ id: note.body.id }, { id: lonely.body.id }] })
  assert.equal(res.status, 207)
  assert.deepEqual(res.body.results, [{ from: { id: note.body.id }, to: [{ toObjectId: Number(contact.body.id), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 202, label: null }] }] }])
  assert.equal(res.body.errors[0].subCategory, 'crm.associations.NO_ASSOCIATIONS_FOUND')
  assert.deepEqual(res.body.errors[0].context.fromObjectId, [lonely.body.id])
  const tooMany = await api.post('/crm/v4/associations/notes/contacts/batch/read').set(auth).send({ inputs: Array.from({ length: 1001 }, (_, i) => ({ id: String(i) })) })
  assert.equal(tooMany.status, 400)
})

test('when a record is archived, then it answers 204, is gone from batch read and its associations go with it', async () => {
  await createUniqueProperty()
  const contact = await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { lastname: 'Smith', agentclara_customer_id: 'cust_1' } })
  const note = await api.post('/crm/v3/objects/notes').set(auth).send({ properties: { hs_note_body: 'x', hs_timestamp: '2024-03-15T10:32:00Z' } })
  await api.post('/crm/v4/associations/notes/contacts/batch/create').set(auth)
    .send({ inputs: [{ from: { id: note.body.id }, to: { id: contact.body.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }] })
  assert.equal((await api.delete(`/crm/v3/objects/contacts/${String(contact.body.id)}`).set(auth)).status, 204)
  const read = await api.post('/crm/v3/objects/contacts/batch/read').set(auth)
    .send({ idProperty: 'agentclara_customer_id', inputs: [{ id: 'cust_1' }], properties: ['lastname'], propertiesWithHistory: [] })
  assert.equal(read.status, 207)
  assert.deepEqual(read.body.results, [])
  assert.equal(read.body.errors[0].category, 'OBJECT_NOT_FOUND')
  assert.deepEqual(sandbox.dump().associations, [])
})

test('when records are searched with EQ, then only matches come back, paged with after', async () => {
  for (const lastname of ['Smith', 'Jones', 'Smith']) {
    await api.post('/crm/v3/objects/contacts').set(auth).send({ properties: { lastname } })
  }
  const res = await api.post('/crm/v3/objects/contacts/search').set(auth)
    .send({ filterGroups: [{ filters: [{ propertyName: 'lastname', operator: 'EQ', value: 'Smith' }] }], limit: 1 })
  assert.equal(res.status, 200)
  assert.equal(res.body.total, 2)
  assert.equal(res.body.results.length, 1)
  assert.equal(res.body.paging.next.after, '1')
})

test('when faults are set over HTTP, then the next API call fails and the state shows it; reset clears everything', async () => {
  const set = await fetch(`${baseUrl}/__sandbox/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNext: { count: 1, status: 502 } })
  })
  assert.equal(set.status, 200)
  const failed = await fetch(`${baseUrl}/crm/v3/properties/contacts`, { headers: auth })
  assert.equal(failed.status, 502)
  const ok = await fetch(`${baseUrl}/crm/v3/properties/contacts`, { headers: auth })
  assert.equal(ok.status, 200)
  const state = await (await fetch(`${baseUrl}/__sandbox/state`)).json() as SandboxState
  assert.equal(state.requests.byStatus['502'], 1)
  assert.equal(state.faults.failed, 1)
  await fetch(`${baseUrl}/__sandbox/reset`, { method: 'POST' })
  assert.equal(sandbox.dump().requests.total, 0)
})
