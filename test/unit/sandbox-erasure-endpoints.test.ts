import assert from 'node:assert/strict'
import { after, beforeEach, test } from 'node:test'
import request from 'supertest'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'

// The delete endpoints erasure uses, checked on the sandboxes' HTTP surface (no port).
const hubspot = createHubspotSandbox({ accessToken: 'hs-token' })
const salesforce = createSalesforceSandbox({ staticAccessToken: 'sf-token' })
const hs = () => request(hubspot.app)
const sf = () => request(salesforce.app)
const hsAuth = { authorization: 'Bearer hs-token' }
const sfAuth = { authorization: 'Bearer sf-token' }
const V = '/services/data/v62.0'

after(() => Promise.all([hubspot.close(), salesforce.close()]))
beforeEach(() => { hubspot.reset(); salesforce.reset() })

async function hubspotContact (customerId: string): Promise<string> {
  await hs().post('/crm/v3/properties/contacts').set(hsAuth)
    .send({ name: 'agentclara_customer_id', label: 'id', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true })
  const res = await hs().post('/crm/v3/objects/contacts').set(hsAuth).send({ properties: { agentclara_customer_id: customerId, lastname: 'Smith' } }).expect(201)
  return res.body.id
}

test('when a HubSpot contact is GDPR-deleted by a unique property, then 204 with no body and the contact is gone', async () => {
  await hubspotContact('cust_gdpr')
  const res = await hs().post('/crm/v3/objects/contacts/gdpr-delete').set(hsAuth).send({ objectId: 'cust_gdpr', idProperty: 'agentclara_customer_id' })
  assert.equal(res.status, 204)
  assert.equal(res.text, '')
  assert.equal(hubspot.dump().objects.contacts?.length, 0)
})

test('when a HubSpot GDPR delete names no contact, then 404 OBJECT_NOT_FOUND, or 204 for an email (blocklisted)', async () => {
  const missing = await hs().post('/crm/v3/objects/contacts/gdpr-delete').set(hsAuth).send({ objectId: '99999' })
  assert.equal(missing.status, 404)
  assert.equal(missing.body.category, 'OBJECT_NOT_FOUND')
  await hs().post('/crm/v3/objects/contacts/gdpr-delete').set(hsAuth).send({ objectId: 'nobody@example.com', idProperty: 'email' }).expect(204)
  const bad = await hs().post('/crm/v3/objects/contacts/gdpr-delete').set(hsAuth).send({ idProperty: 'email' })
  assert.equal(bad.status, 400)
  assert.equal(bad.body.category, 'VALIDATION_ERROR')
})

test('when HubSpot records are batch-archived, then 204, missing ids are skipped and associations go with the records', async () => {
  const contactId = await hubspotContact('cust_archive')
  const note = await hs().post('/crm/v3/objects/notes').set(hsAuth)
    .send({ properties: { hs_timestamp: '2024-03-15T10:32:00Z', hs_note_body: 'hi' }, associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }] })
    .expect(201)
  assert.equal(hubspot.dump().associations.length, 2)
  const res = await hs().post('/crm/v3/objects/notes/batch/archive').set(hsAuth).send({ inputs: [{ id: note.body.id }, { id: '424242' }] })
  assert.equal(res.status, 204)
  assert.equal(hubspot.dump().objects.notes?.length, 0)
  assert.equal(hubspot.dump().associations.length, 0)
  assert.equal((await hs().post('/crm/v3/objects/notes/batch/archive').set(hsAuth).send({ inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) })).status, 400)
})

async function salesforceContact (): Promise<string> {
  return (await sf().post(`${V}/sobjects/Contact`).set(sfAuth).send({ LastName: 'Smith' }).expect(201)).body.id
}

test('when Salesforce records are deleted as a collection, then DeleteResults come in id order, gone and malformed ids failing alone', async () => {
  const [a, b] = [await salesforceContact(), await salesforceContact()]
  await sf().delete(`${V}/composite/sobjects?ids=${b}`).set(sfAuth).expect(200)
  const res = await sf().delete(`${V}/composite/sobjects?ids=${a},${b},nonsense&allOrNone=false`).set(sfAuth).expect(200)
  assert.deepEqual(res.body, [
    { id: a, success: true, errors: [] },
    { id: b, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] },
    { success: false, errors: [{ statusCode: 'MALFORMED_ID', message: 'malformed id nonsense', fields: [] }] }
  ])
})

test('when a Salesforce collection delete with allOrNone=true has a failure, then nothing is deleted', async () => {
  const a = await salesforceContact()
  const res = await sf().delete(`${V}/composite/sobjects?ids=${a},nonsense&allOrNone=true`).set(sfAuth).expect(200)
  assert.equal(res.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK')
  assert.equal(salesforce.dump().records.Contact?.length, 1)
  const tooMany = await sf().delete(`${V}/composite/sobjects?ids=${Array.from({ length: 201 }, () => a).join(',')}`).set(sfAuth).expect(400)
  assert.equal(tooMany.body[0].errorCode, 'EXCEEDED_ID_LIMIT')
})

test('when Salesforce is queried with IN, then records matching any of the values come back', async () => {
  const [a, b] = [await salesforceContact(), await salesforceContact()]
  await salesforceContact()
  const res = await sf().get(`${V}/query`).query({ q: `SELECT Id FROM Contact WHERE Id IN ('${a}', '${b}')` }).set(sfAuth).expect(200)
  assert.deepEqual(res.body.records.map((r: { Id: string }) => r.Id).sort(), [a, b].sort())
})
