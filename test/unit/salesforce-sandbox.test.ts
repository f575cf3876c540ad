import { after, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import request from 'supertest'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'

const V = '/services/data/v62.0'
const sandbox = createSalesforceSandbox({ staticAccessToken: 'static-token' })
const auth = { Authorization: 'Bearer static-token' }
const api = () => request(sandbox.app)

after(() => sandbox.close())
beforeEach(() => sandbox.reset())

async function createContact (fields: Record<string, unknown>): Promise<string> {
  const res = await api().post(`${V}/sobjects/Contact`).set(auth).send(fields).expect(201)
  return res.body.id
}

describe('Salesforce sandbox: OAuth and sessions', () => {
  it('when the client credentials are right, then a bearer token with the instance URL is issued', async () => {
    const res = await api().post('/services/oauth2/token').type('form')
      .send({ grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' })
      .expect(200)
    assert.equal(res.body.token_type, 'Bearer')
    assert.match(res.body.instance_url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.match(res.body.id, /\/id\/00D\w+\/005\w+$/)
    for (const key of ['access_token', 'issued_at', 'signature', 'scope']) assert.ok(res.body[key], key)
    await api().get(`${V}/sobjects/Contact/describe`).set('Authorization', `Bearer ${res.body.access_token}`).expect(200)
  })

  it('when the credentials come as HTTP Basic auth, then they are accepted too', async () => {
    await api().post('/services/oauth2/token').auth('sandbox-client-id', 'sandbox-client-secret')
      .type('form').send({ grant_type: 'client_credentials' }).expect(200)
  })

  it('when the client secret is wrong, then 400 invalid_client', async () => {
    const res = await api().post('/services/oauth2/token').type('form')
      .send({ grant_type: 'client_credentials', client_id: 'sandbox-client-id', client_secret: 'nope' }).expect(400)
    assert.deepEqual(res.body, { error: 'invalid_client', error_description: 'invalid client credentials' })
  })

  it('when the token is missing or expired, then 401 INVALID_SESSION_ID', async () => {
    const missing = await api().get(`${V}/sobjects/Contact/describe`).expect(401)
    assert.deepEqual(missing.body, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }])
    sandbox.expireTokens()
    await api().get(`${V}/sobjects/Contact/describe`).set(auth).expect(401)
  })

  it('when the API version list is asked for, then it answers without auth', async () => {
    const res = await api().get('/services/data').expect(200)
    assert.ok(res.body.some((v: { version: string }) => v.version === '62.0'))
  })
})

describe('Salesforce sandbox: records and validation', () => {
  it('when a Contact has no LastName, then REQUIRED_FIELD_MISSING names it', async () => {
    const res = await api().post(`${V}/sobjects/Contact`).set(auth).send({ FirstName: 'John' }).expect(400)
    assert.deepEqual(res.body, [{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }])
  })

  it('when a field does not exist, then INVALID_FIELD says so', async () => {
    const res = await api().post(`${V}/sobjects/Contact`).set(auth).send({ LastName: 'x', Shoe_Size__c: 42 }).expect(400)
    assert.equal(res.body[0].errorCode, 'INVALID_FIELD')
    assert.equal(res.body[0].message, "No such column 'Shoe_Size__c' on sobject of type Contact")
  })

  it('when a record is created, then it has an 18-character Id with the key prefix and reads back with attributes', async () => {
    const id = await createContact({ FirstName: 'John', LastName: 'Smith' })
    assert.match(id, /^003\w{15}$/)
    const res = await api().get(`${V}/sobjects/Contact/${id}`).set(auth).expect(200)
    assert.deepEqual(res.body.attributes, { type: 'Contact', url: `${V}/sobjects/Contact/${id}` })
    assert.equal(res.body.Name, 'John Smith')
  })

  it('when TaskSubtype is set on create, then it sticks; when sent on update, then INVALID_FIELD_FOR_INSERT_UPDATE', async () => {
    const res = await api().post(`${V}/sobjects/Task`).set(auth).send({ Subject: 'Call', TaskSubtype: 'Call' }).expect(201)
    const update = await api().patch(`${V}/sobjects/Task/${res.body.id}`).set(auth).send({ TaskSubtype: 'Call' }).expect(400)
    assert.equal(update.body[0].errorCode, 'INVALID_FIELD_FOR_INSERT_UPDATE')
    assert.deepEqual(update.body[0].fields, ['TaskSubtype'])
    await api().patch(`${V}/sobjects/Task/${res.body.id}`).set(auth).send({ Status: 'Completed' }).expect(204)
  })

  it('when a date field gets a datetime, then the body is rejected; YYYY-MM-DD is accepted', async () => {
    const bad = await api().post(`${V}/sobjects/Task`).set(auth).send({ ActivityDate: '2024-03-15T10:32:00Z' }).expect(400)
    assert.equal(bad.body[0].errorCode, 'JSON_PARSER_ERROR')
    await api().post(`${V}/sobjects/Task`).set(auth).send({ ActivityDate: '2024-03-15' }).expect(201)
  })

  it('when an Event lacks a duration, then REQUIRED_FIELD_MISSING; with one, then datetimes come back as …000+0000', async () => {
    const bad = await api().post(`${V}/sobjects/Event`).set(auth).send({ StartDateTime: '2024-03-16T14:00:00Z' }).expect(400)
    assert.deepEqual(bad.body[0].fields, ['DurationInMinutes'])
    const ok = await api().post(`${V}/sobjects/Event`).set(auth).send({ StartDateTime: '2024-03-16T14:00:00Z', DurationInMinutes: 60 }).expect(201)
    const res = await api().get(`${V}/sobjects/Event/${ok.body.id}`).set(auth).expect(200)
    assert.equal(res.body.StartDateTime, '2024-03-16T14:00:00.000+0000')
    assert.equal(res.body.EndDateTime, '2024-03-16T15:00:00.000+0000')
  })

  it('when WhoId is malformed or points nowhere, then MALFORMED_ID / FIELD_INTEGRITY_EXCEPTION', async () => {
    const malformed = await api().post(`${V}/sobjects/Task`).set(auth).send({ WhoId: 'cust_xyz789' }).expect(400)
    assert.equal(malformed.body[0].errorCode, 'MALFORMED_ID')
    const nowhere = await api().post(`${V}/sobjects/Task`).set(auth).send({ WhoId: '003000000000000AAA' }).expect(400)
    assert.equal(nowhere.body[0].errorCode, 'FIELD_INTEGRITY_EXCEPTION')
  })
})

describe('Salesforce sandbox: upsert by External ID', () => {
  it('when the value is new, then 201 created; when it exists, then 200 updated, same Id', async () => {
    const url = `${V}/sobjects/Contact/AgentClara_Customer_Id__c/cust_xyz789`
    const created = await api().patch(url).set(auth).send({ LastName: 'Smith' }).expect(201)
    assert.deepEqual(created.body, { id: created.body.id, success: true, errors: [], created: true })
    const updated = await api().patch(url).set(auth).send({ LastName: 'Smyth' }).expect(200)
    assert.deepEqual(updated.body, { id: created.body.id, success: true, errors: [], created: false })
  })

  it('when the External ID field does not exist, then 404 NOT_FOUND', async () => {
    const res = await api().patch(`${V}/sobjects/Contact/Nope__c/x`).set(auth).send({ LastName: 'x' }).expect(404)
    assert.equal(res.body[0].errorCode, 'NOT_FOUND')
  })

  it('when a non-unique External ID value matches several records, then 300 with their URLs', async (t) => {
    const loose = createSalesforceSandbox({ staticAccessToken: 't', uniqueExternalIds: false })
    t.after(() => loose.close())
    const send = (method: 'post' | 'patch', url: string, body: object) => request(loose.app)[method](url).set('Authorization', 'Bearer t').send(body)
    await send('post', `${V}/sobjects/Contact`, { LastName: 'A', AgentClara_Customer_Id__c: 'dup' }).expect(201)
    await send('post', `${V}/sobjects/Contact`, { LastName: 'B', AgentClara_Customer_Id__c: 'dup' }).expect(201)
    const res = await send('patch', `${V}/sobjects/Contact/AgentClara_Customer_Id__c/dup`, { LastName: 'C' }).expect(300)
    assert.equal(res.body.length, 2)
    const collection = await send('patch', `${V}/composite/sobjects/Contact/AgentClara_Customer_Id__c`, {
      allOrNone: false, records: [{ attributes: { type: 'Contact' }, AgentClara_Customer_Id__c: 'dup', LastName: 'C' }]
    }).expect(200)
    assert.equal(collection.body[0].errors[0].statusCode, 'DUPLICATE_EXTERNAL_ID')
  })

  it('when a unique External ID value is reused on create, then DUPLICATE_VALUE', async () => {
    await createContact({ LastName: 'A', AgentClara_Customer_Id__c: 'cust_1' })
    const res = await api().post(`${V}/sobjects/Contact`).set(auth).send({ LastName: 'B', AgentClara_Customer_Id__c: 'cust_1' }).expect(400)
    assert.equal(res.body[0].errorCode, 'DUPLICATE_VALUE')
  })
})

describe('Salesforce sandbox: composite collections', () => {
  const upsertUrl = `${V}/composite/sobjects/Contact/AgentClara_Customer_Id__c`
  const contact = (id: string, extra: object = {}) => ({ attributes: { type: 'Contact' }, AgentClara_Customer_Id__c: id, LastName: id, ...extra })

  it('when records are upserted, then results come back in input order with created flags and per-record errors', async () => {
    await api().patch(upsertUrl).set(auth).send({ allOrNone: false, records: [contact('a')] }).expect(200)
    const res = await api().patch(upsertUrl).set(auth)
      .send({ allOrNone: false, records: [contact('b'), contact('a'), contact('c', { LastName: null })] }).expect(200)
    assert.equal(res.body[0].created, true)
    assert.equal(res.body[1].created, false)
    assert.equal(res.body[2].success, false)
    assert.equal(res.body[2].errors[0].statusCode, 'REQUIRED_FIELD_MISSING')
    assert.equal(sandbox.dump().records.Contact?.length, 2)
  })

  it('when an External ID repeats within one request, then every record with it fails DUPLICATE_EXTERNAL_ID', async () => {
    const res = await api().patch(upsertUrl).set(auth)
      .send({ allOrNone: false, records: [contact('a'), contact('b'), contact('a')] }).expect(200)
    assert.deepEqual(res.body.map((r: { success: boolean }) => r.success), [false, true, false])
    assert.equal(res.body[0].errors[0].statusCode, 'DUPLICATE_EXTERNAL_ID')
  })

  it('when allOrNone is set and one record fails, then nothing is written and the others say rolled back', async () => {
    const res = await api().patch(upsertUrl).set(auth)
      .send({ allOrNone: true, records: [contact('a'), contact('b', { LastName: '' })] }).expect(200)
    assert.equal(res.body[0].errors[0].statusCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK')
    assert.equal(sandbox.dump().records.Contact?.length, 0)
  })

  it('when more than 200 records are sent, then 400 EXCEEDED_ID_LIMIT', async () => {
    const records = Array.from({ length: 201 }, (_, i) => contact(`c${i}`))
    const res = await api().patch(upsertUrl).set(auth).send({ allOrNone: false, records }).expect(400)
    assert.equal(res.body[0].errorCode, 'EXCEEDED_ID_LIMIT')
  })

  it('when records are created, updated and retrieved as collections, then each step answers per record', async () => {
    const created = await api().post(`${V}/composite/sobjects`).set(auth)
      .send({ records: [{ attributes: { type: 'Contact' }, LastName: 'A' }, { attributes: { type: 'Task' }, Subject: 'T' }] }).expect(200)
    const [c, t] = created.body.map((r: { id: string }) => r.id)
    await api().patch(`${V}/composite/sobjects`).set(auth)
      .send({ records: [{ attributes: { type: 'Contact' }, id: c, FirstName: 'Z' }] }).expect(200)
    const read = await api().get(`${V}/composite/sobjects/Contact?ids=${c},${t}&fields=Id,Name`).set(auth).expect(200)
    assert.equal(read.body[0].Name, 'Z A')
    assert.equal(read.body[1], null)
  })
})

describe('Salesforce sandbox: Composite requests carrying collections', () => {
  const collectionUrl = (field = 'AgentClara_Customer_Id__c') => `${V}/composite/sobjects/Contact/${field}`
  const contact = (id: string, extra: object = {}) => ({ attributes: { type: 'Contact' }, AgentClara_Customer_Id__c: id, LastName: id, ...extra })
  const sub = (ref: string, records: object[], url = collectionUrl()) => ({ method: 'PATCH', url, referenceId: ref, body: { allOrNone: false, records } })
  const remaining = async () => (await api().get(`${V}/limits`).set(auth).expect(200)).body.DailyApiRequests.Remaining as number

  it('when five collections go in one Composite request, then each answers in order under its referenceId and the whole counts as one API call', async () => {
    const before = await remaining()
    const collections = Array.from({ length: 5 }, (_, c) => sub(`c${c}`, Array.from({ length: 200 }, (_, i) => contact(`k${c}_${i}`))))
    const res = await api().post(`${V}/composite`).set(auth).send({ allOrNone: false, compositeRequest: collections }).expect(200)
    assert.deepEqual(res.body.compositeResponse.map((r: { referenceId: string, httpStatusCode: number }) => [r.referenceId, r.httpStatusCode]), [['c0', 200], ['c1', 200], ['c2', 200], ['c3', 200], ['c4', 200]])
    assert.ok(res.body.compositeResponse.every((r: { body: Array<{ success: boolean, created: boolean }> }) => r.body.length === 200 && r.body.every((x) => x.success && x.created)))
    assert.equal(sandbox.dump().records.Contact?.length, 1000)
    // The /limits read itself is a call; the composite is one more.
    assert.equal(before - (await remaining()), 2)
  })

  it('when one subrequest is refused, then it answers with its error array and status while the others are written', async () => {
    const res = await api().post(`${V}/composite`).set(auth).send({
      compositeRequest: [sub('good', [contact('a')]), sub('bad', [contact('b')], collectionUrl('Not_A_Field__c')), sub('also', [contact('c'), contact('d', { LastName: null })])]
    }).expect(200)
    const [good, bad, also] = res.body.compositeResponse
    assert.equal(good.httpStatusCode, 200)
    assert.equal(bad.httpStatusCode, 404)
    assert.equal(bad.body[0].errorCode, 'NOT_FOUND')
    assert.deepEqual(also.body.map((r: { success: boolean }) => r.success), [true, false])
    assert.deepEqual(sandbox.dump().records.Contact?.map((c) => c.AgentClara_Customer_Id__c).sort(), ['a', 'c'])
  })

  it('when a request breaks the documented limits or asks for what the sandbox does not model, then 400 says which, and nothing is written', async () => {
    const six = Array.from({ length: 6 }, (_, c) => sub(`c${c}`, [contact(`x${c}`)]))
    const tooMany = await api().post(`${V}/composite`).set(auth).send({ compositeRequest: six }).expect(400)
    assert.match(tooMany.body[0].message, /at most 5 sObject Collections/)
    const unmodelled = await api().post(`${V}/composite`).set(auth).send({ compositeRequest: [{ method: 'GET', url: `${V}/sobjects/Contact/describe`, referenceId: 'd' }] }).expect(400)
    assert.match(unmodelled.body[0].message, /only PATCH/)
    await api().post(`${V}/composite`).set(auth).send({ allOrNone: true, compositeRequest: [sub('a', [contact('z')])] }).expect(400)
    await api().post(`${V}/composite`).set(auth).send({ compositeRequest: [sub('same', [contact('p')]), sub('same', [contact('q')])] }).expect(400)
    assert.equal(sandbox.dump().records.Contact?.length ?? 0, 0)
  })
})

describe('Salesforce sandbox: references between Composite subrequests', () => {
  const sub = (ref: string, type: string, field: string, records: object[]) =>
    ({ method: 'PATCH', url: `${V}/composite/sobjects/${type}/${field}`, referenceId: ref, body: { allOrNone: false, records } })
  const contact = (id: string, extra: object = {}) => ({ attributes: { type: 'Contact' }, AgentClara_Customer_Id__c: id, LastName: id, ...extra })
  const task = (id: string, whoId: string) => ({ attributes: { type: 'Task' }, AgentClara_Message_Id__c: id, Subject: id, WhoId: whoId })
  const contactsAndTasks = (contacts: object[], tasks: object[]) => ({
    allOrNone: false,
    compositeRequest: [sub('contacts0', 'Contact', 'AgentClara_Customer_Id__c', contacts), sub('tasks0', 'Task', 'AgentClara_Message_Id__c', tasks)]
  })

  it('when a Task names a Contact written earlier in the same request by @{ref[i].id}, then it is linked to that Contact', async () => {
    const res = await api().post(`${V}/composite`).set(auth)
      .send(contactsAndTasks([contact('a'), contact('b')], [task('m1', '@{contacts0[1].id}'), task('m2', '@{contacts0[0].id}')])).expect(200)
    const [contacts, tasks] = res.body.compositeResponse
    assert.deepEqual([contacts.httpStatusCode, tasks.httpStatusCode], [200, 200])
    const dump = sandbox.dump().records
    const idOf = (ext: string) => dump.Contact?.find((c) => c.AgentClara_Customer_Id__c === ext)?.Id
    assert.equal(dump.Task?.find((t) => t.AgentClara_Message_Id__c === 'm1')?.WhoId, idOf('b'))
    assert.equal(dump.Task?.find((t) => t.AgentClara_Message_Id__c === 'm2')?.WhoId, idOf('a'))
  })

  it('when a referenced record failed or the reference names no earlier subrequest, then the dependent subrequest is not executed and answers 400 naming it', async () => {
    const res = await api().post(`${V}/composite`).set(auth)
      .send(contactsAndTasks([contact('a'), contact('b', { LastName: null })], [task('m1', '@{contacts0[0].id}'), task('m2', '@{contacts0[1].id}')])).expect(200)
    const [contacts, tasks] = res.body.compositeResponse
    assert.deepEqual(contacts.body.map((r: { success: boolean }) => r.success), [true, false])
    assert.equal(tasks.httpStatusCode, 400)
    assert.equal(tasks.body[0].errorCode, 'PROCESSING_HALTED')
    assert.match(tasks.body[0].message, /contacts0\[1\]\.id/)
    const later = await api().post(`${V}/composite`).set(auth).send({
      compositeRequest: [sub('tasks1', 'Task', 'AgentClara_Message_Id__c', [task('m3', '@{contacts1[0].id}')]), sub('contacts1', 'Contact', 'AgentClara_Customer_Id__c', [contact('c')])]
    }).expect(200)
    assert.equal(later.body.compositeResponse[0].httpStatusCode, 400)
    assert.equal(later.body.compositeResponse[1].httpStatusCode, 200)
    assert.equal(sandbox.dump().records.Task?.length ?? 0, 0)
  })
})

describe('Salesforce sandbox: query, limits and control', () => {
  it('when a simple SOQL query runs, then matching records come back with attributes', async () => {
    await createContact({ FirstName: 'John', LastName: 'Smith', AgentClara_Customer_Id__c: 'cust_xyz789' })
    await createContact({ LastName: 'Other' })
    const q = "SELECT Id, FirstName, LastName FROM Contact WHERE AgentClara_Customer_Id__c = 'cust_xyz789' LIMIT 5"
    const res = await api().get(`${V}/query`).query({ q }).set(auth).expect(200)
    assert.equal(res.body.totalSize, 1)
    assert.equal(res.body.done, true)
    assert.equal(res.body.records[0].attributes.type, 'Contact')
    assert.equal(res.body.records[0].LastName, 'Smith')
    const bad = await api().get(`${V}/query`).query({ q: 'SELECT Nope FROM Contact' }).set(auth).expect(400)
    assert.equal(bad.body[0].errorCode, 'INVALID_FIELD')
  })

  it('when a SOQL query filters with IN, then every record whose value is in the list comes back', async () => {
    for (const id of ['cust_a', 'cust_b', "cust_o'neil", 'cust_c']) await createContact({ LastName: 'X', AgentClara_Customer_Id__c: id })
    const q = "SELECT Id, AgentClara_Customer_Id__c FROM Contact WHERE AgentClara_Customer_Id__c IN ('cust_a', 'cust_o\\'neil', 'cust_zzz') AND LastName = 'X'"
    const res = await api().get(`${V}/query`).query({ q }).set(auth).expect(200)
    assert.deepEqual(res.body.records.map((r: { AgentClara_Customer_Id__c: string }) => r.AgentClara_Customer_Id__c).sort(), ['cust_a', "cust_o'neil"])
    const empty = await api().get(`${V}/query`).query({ q: 'SELECT Id FROM Contact WHERE LastName IN ()' }).set(auth).expect(400)
    assert.equal(empty.body[0].errorCode, 'MALFORMED_QUERY')
  })

  it('when API calls are made, then Sforce-Limit-Info counts them; past the limit, then 403 REQUEST_LIMIT_EXCEEDED', async (t) => {
    const limited = createSalesforceSandbox({ staticAccessToken: 't', apiLimit: 2 })
    t.after(() => limited.close())
    const get = () => request(limited.app).get(`${V}/sobjects/Contact/describe`).set('Authorization', 'Bearer t')
    assert.equal((await get().expect(200)).headers['sforce-limit-info'], 'api-usage=1/2')
    await get().expect(200)
    const res = await get().expect(403)
    assert.deepEqual(res.body, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }])
    assert.equal(res.headers['sforce-limit-info'], 'api-usage=2/2')
  })

  it('when faults are set over HTTP, then they apply and /__sandbox/state and /__sandbox/reset report and clear', async () => {
    await api().post('/__sandbox/faults').send({ failNext: { count: 1, status: 503 } }).expect(200)
    await api().get(`${V}/sobjects/Contact/describe`).set(auth).expect(503)
    await api().post('/__sandbox/faults').send({ rateLimitNext: { count: 1 } }).expect(200)
    const limited = await api().get(`${V}/sobjects/Contact/describe`).set(auth).expect(403)
    assert.equal(limited.body[0].errorCode, 'REQUEST_LIMIT_EXCEEDED')
    await api().post('/__sandbox/faults').send({ expireTokens: true }).expect(200)
    await api().get(`${V}/sobjects/Contact/describe`).set(auth).expect(401)
    const state = await api().get('/__sandbox/state').expect(200)
    assert.deepEqual(state.body.requests.byStatus, { 401: 1, 403: 1, 503: 1 })
    assert.deepEqual(Object.keys(state.body.records).sort(), ['Contact', 'Event', 'Lead', 'Task'])
    await api().post('/__sandbox/reset').expect(200)
    assert.equal((await api().get('/__sandbox/state').expect(200)).body.requests.total, 0)
  })
})
