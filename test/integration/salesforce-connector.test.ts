import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConnectorDeps } from '../../src/crm/connector.ts'
import { CrmSetupError } from '../../src/crm/errors.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'
import { seedAppointment, seedContact, seedMessage } from '../fixtures/seed-states.ts'

// Real jsforce → HTTP → sandbox, through the connector.
const sandbox = createSalesforceSandbox({ staticAccessToken: 'static-token' })
let url = ''
before(async () => { url = await sandbox.listen() })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

function recorder () {
  const statuses: Array<number | string> = []
  let acquired = 0
  const deps: ConnectorDeps = {
    timeoutMs: 5000,
    limiter: { acquire: async () => { acquired += 1 }, pause: () => {} },
    onRequest: (status) => { statuses.push(status) }
  }
  return { deps, statuses, acquired: () => acquired }
}

const connect = (deps: ConnectorDeps) =>
  createSalesforceConnector({ loginUrl: url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', ...deps })

const john = seedContact()

function crmId (result: { ok: boolean } & ({ crmId: string } | object) | undefined): string {
  assert.ok(result && 'crmId' in result, `expected success, got ${JSON.stringify(result)}`)
  return result.crmId
}

describe('Salesforce connector against the sandbox', () => {
  it('when prepare runs with client credentials, then it logs in once and passes, with the limiter and onRequest on every call', async () => {
    const r = recorder()
    await connect(r.deps).prepare()
    assert.equal(sandbox.dump().tokenGrants, 1)
    // token + 3 describes
    assert.deepEqual(r.statuses, [200, 200, 200, 200])
    assert.equal(r.acquired(), 4)
  })

  it('when an External ID field is missing, then prepare throws CrmSetupError naming it', async (t) => {
    const partial = createSalesforceSandbox({ externalIdFields: ['Contact.AgentClara_Customer_Id__c', 'Event.AgentClara_Appointment_Id__c'] })
    t.after(() => partial.close())
    const partialUrl = await partial.listen()
    const connector = createSalesforceConnector({ loginUrl: partialUrl, clientId: partial.clientId, clientSecret: partial.clientSecret, ...recorder().deps })
    await assert.rejects(connector.prepare(), (err: Error) => {
      assert.ok(err instanceof CrmSetupError)
      assert.match(err.message, /Task\.AgentClara_Message_Id__c/)
      assert.doesNotMatch(err.message, /Contact\.|Event\./)
      assert.match(err.message, /External ID/)
      return true
    })
  })

  it('when the client secret is wrong, then prepare throws CrmSetupError', async () => {
    const connector = createSalesforceConnector({ loginUrl: url, clientId: 'sandbox-client-id', clientSecret: 'wrong', ...recorder().deps })
    await assert.rejects(connector.prepare(), (err: Error) => err instanceof CrmSetupError && /invalid_client/.test(err.message))
  })

  it('when the same contact is upserted twice, then there is one Contact with the mapped fields and the same Id', async () => {
    const connector = connect(recorder().deps)
    const first = await connector.upsertContacts([john])
    const second = await connector.upsertContacts([john])
    assert.equal(crmId(first[0]), crmId(second[0]))
    assert.equal(first[0]?.key, 'cust_xyz789')
    const contacts = sandbox.dump().records.Contact ?? []
    assert.equal(contacts.length, 1)
    assert.equal(contacts[0]?.FirstName, 'John')
    assert.equal(contacts[0]?.LastName, 'Smith')
    assert.equal(contacts[0]?.Phone, '+15551234567')
    assert.equal(contacts[0]?.AgentClara_Customer_Id__c, 'cust_xyz789')
  })

  it('when a message is upserted for the contact, then a completed Task carries the text and points at the contact', async () => {
    const connector = connect(recorder().deps)
    const contactId = crmId((await connector.upsertContacts([john]))[0])
    const [result] = await connector.upsertMessages([seedMessage(contactId)])
    assert.equal(result?.key, 'msg_123')
    // A second sync updates the same Task (TaskSubtype is never sent, so the update is allowed).
    await connector.upsertMessages([seedMessage(contactId)])
    const tasks = sandbox.dump().records.Task ?? []
    assert.equal(tasks.length, 1)
    assert.equal(tasks[0]?.Id, crmId(result))
    assert.equal(tasks[0]?.Description, 'Can I reschedule my appointment?')
    assert.equal(tasks[0]?.Status, 'Completed')
    assert.equal(tasks[0]?.ActivityDate, '2024-03-15')
    assert.equal(tasks[0]?.WhoId, contactId)
  })

  it('when an appointment is upserted, then an Event starts at the booked instant with the service as Subject', async () => {
    const connector = connect(recorder().deps)
    const contactId = crmId((await connector.upsertContacts([john]))[0])
    const [result] = await connector.upsertAppointments([seedAppointment(contactId)])
    const events = sandbox.dump().records.Event ?? []
    assert.equal(events.length, 1)
    assert.equal(events[0]?.Id, crmId(result))
    assert.equal(events[0]?.StartDateTime, '2024-03-16T14:00:00.000+0000')
    assert.equal(Date.parse(String(events[0]?.StartDateTime).replace('+0000', 'Z')), Date.parse('2024-03-16T14:00:00Z'))
    assert.equal(events[0]?.Subject, 'Haircut')
    assert.equal(events[0]?.DurationInMinutes, 60)
    assert.equal(events[0]?.WhoId, contactId)
  })

  it('when 1 200 contacts are upserted, then they go in 2 calls (a Composite of five collections, then one more) and upserted again nothing is duplicated', async () => {
    const r = recorder()
    const connector = connect(r.deps)
    await connector.prepare()
    const contacts = Array.from({ length: 1200 }, (_, i) => ({ ...john, customerId: `cust_${i}`, name: `Person ${i}` }))
    for (const round of [1, 2]) {
      const before = r.statuses.length
      const results = await connector.upsertContacts(contacts.map((c) => ({ ...c, name: `${c.name} Round${round}` })))
      assert.equal(r.statuses.length - before, 2, 'two HTTP requests')
      assert.equal(results.filter((x) => x.ok).length, 1200)
      assert.equal(sandbox.dump().records.Contact?.length, 1200)
    }
    const last = sandbox.dump().records.Contact?.find((c) => c.AgentClara_Customer_Id__c === 'cust_1199')
    assert.equal(last?.LastName, '1199 Round2', 'the second round\'s state')
    assert.equal(sandbox.requestStats().byRoute['POST /services/data/v62.0/composite'], 4)
  })

  it('when one record of a Composite call fails, then it alone fails and retries, and the others are written', async () => {
    const connector = connect(recorder().deps)
    await connector.prepare()
    const contacts = Array.from({ length: 450 }, (_, i) => ({ ...john, customerId: `cust_f${i}`, name: `Person ${i}` }))
    sandbox.faults.set({ failRecords: { keys: ['cust_f300'], times: 1 } })
    const results = await connector.upsertContacts(contacts)
    sandbox.faults.set({})
    const failed = results.filter((x) => !x.ok)
    assert.deepEqual(failed.map((x) => x.key), ['cust_f300'])
    assert.equal(failed[0] && !failed[0].ok && failed[0].retryable, true)
    assert.equal(results.filter((x) => x.ok).length, 449)
    const again = await connector.upsertContacts([contacts[300]!])
    assert.equal(again[0]?.ok, true)
    assert.equal(sandbox.dump().records.Contact?.filter((c) => String(c.AgentClara_Customer_Id__c).startsWith('cust_f')).length, 450)
  })

  it('when one batch repeats a key, then one record is written with the latest state', async () => {
    const connector = connect(recorder().deps)
    const results = await connector.upsertContacts([john, { ...john, name: 'John Smyth' }])
    assert.equal(results.length, 1)
    assert.equal(results[0]?.ok, true)
    const contacts = sandbox.dump().records.Contact ?? []
    assert.equal(contacts.length, 1)
    assert.equal(contacts[0]?.LastName, 'Smyth')
  })

  it('when an id holds URL-special characters, then it is stored verbatim (it travels in the body, not the path)', async () => {
    const connector = connect(recorder().deps)
    const [result] = await connector.upsertContacts([{ ...john, customerId: 'cust/../a b?c#d%2F' }])
    assert.equal(result?.ok, true)
    assert.equal(sandbox.dump().records.Contact?.[0]?.AgentClara_Customer_Id__c, 'cust/../a b?c#d%2F')
  })

  it('when a record fails inside the collection, then only that record fails and the rest succeed', async () => {
    const connector = connect(recorder().deps)
    sandbox.faults.set({ failRecords: { keys: ['cust_xyz789'], times: 1 } })
    const results = await connector.upsertContacts([john, { ...john, customerId: 'cust_other' }])
    const failed = results.find((x) => x.key === 'cust_xyz789')
    assert.ok(failed && !failed.ok)
    assert.equal(failed.retryable, true)
    assert.match(failed.error, /UNKNOWN_EXCEPTION/)
    assert.equal(results.find((x) => x.key === 'cust_other')?.ok, true)
    assert.equal(sandbox.dump().records.Contact?.length, 1)
  })

  it('when the Task points at a contact that does not exist, then that record fails permanently', async () => {
    const connector = connect(recorder().deps)
    const [result] = await connector.upsertMessages([seedMessage('003000000000000AAA')])
    assert.ok(result && !result.ok)
    assert.equal(result.retryable, false)
    assert.match(result.error, /FIELD_INTEGRITY_EXCEPTION/)
  })

  it('when the connector uses a static access token, then it writes and links to the record in Lightning', async () => {
    const connector = createSalesforceConnector({ instanceUrl: url, accessToken: 'static-token', ...recorder().deps })
    await connector.prepare()
    const id = crmId((await connector.upsertContacts([john]))[0])
    assert.equal(connector.recordUrl?.('contact', id), `${url}/lightning/r/Contact/${id}/view`)
    assert.equal(connector.recordUrl?.('appointment', '00U1'), `${url}/lightning/r/Event/00U1/view`)
  })
})
