import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { RecordResult, RecordsTogether } from '../../src/crm/connector.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'
import { seedAppointmentState, seedContact, seedMessageState } from '../fixtures/seed-states.ts'

// upsertTogether: Contacts, Tasks and Events in the same Composite requests, a new Contact's
// Tasks and Events naming it as @{reference[i].id}. Real jsforce → HTTP → sandbox.
const sandbox = createSalesforceSandbox({ staticAccessToken: 'static-token' })
let url = ''
before(async () => { url = await sandbox.listen() })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

const connect = () => createSalesforceConnector({
  loginUrl: url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} }
})
const compositeCalls = () => sandbox.requestStats().byRoute['POST /services/data/v62.0/composite'] ?? 0

/** `customers` new customers, each with `messages` messages and one appointment, none of them in Salesforce yet. */
function newCustomers (customers: number, messages: number): RecordsTogether {
  const ids = Array.from({ length: customers }, (_, c) => `cust_t${c}`)
  return {
    contacts: ids.map((customerId, c) => seedContact({ customerId, name: `Person ${c}` })),
    messages: ids.flatMap((customerId) => Array.from({ length: messages }, (_, m) => ({ ...seedMessageState({ customerId, messageId: `msg_${customerId}_${m}` }), contactCrmId: null }))),
    appointments: ids.map((customerId) => ({ ...seedAppointmentState({ customerId, appointmentId: `apt_${customerId}` }), contactCrmId: null }))
  }
}

const byKey = (results: RecordResult[]) => new Map(results.map((result) => [result.key, result]))

/** Every Task and Event points at the Contact of its customer. */
function assertLinked (records: RecordsTogether): void {
  const dump = sandbox.dump().records
  const contactId = new Map(dump.Contact?.map((c) => [c.AgentClara_Customer_Id__c, c.Id]))
  for (const m of records.messages) {
    assert.equal(dump.Task?.find((t) => t.AgentClara_Message_Id__c === m.messageId)?.WhoId, contactId.get(m.customerId), m.messageId)
  }
  for (const a of records.appointments) {
    assert.equal(dump.Event?.find((e) => e.AgentClara_Appointment_Id__c === a.appointmentId)?.WhoId, contactId.get(a.customerId), a.appointmentId)
  }
}

describe('Salesforce connector: contacts, messages and appointments written together', () => {
  it('when new customers go with their messages and appointments, then one Composite request writes them all linked, and written again nothing is duplicated', async () => {
    const connector = connect()
    await connector.prepare()
    const records = newCustomers(3, 2)
    const first = byKey(await connector.upsertTogether!(records))
    assert.equal(compositeCalls(), 1)
    assert.equal([...first.values()].filter((r) => r.ok).length, 3 + 6 + 3)
    assert.ok(first.has('contact:cust_t0') && first.has('message:msg_cust_t0_1') && first.has('appointment:apt_cust_t2'), 'keyed by entity key')
    assertLinked(records)

    const again = byKey(await connector.upsertTogether!(records))
    for (const [key, result] of first) assert.deepEqual(again.get(key), result, key)
    const dump = sandbox.dump().records
    assert.deepEqual([dump.Contact?.length, dump.Task?.length, dump.Event?.length], [3, 6, 3])
    assertLinked(records)
  })

  it('when the records fill more than one call, then collections go five a call, contacts first, and a link to a contact of an earlier call carries its id', async () => {
    const connector = connect()
    await connector.prepare()
    // 300 Contacts (2 collections) + 900 Tasks (5) + 300 Events (2): 9 collections, 2 calls.
    const records = newCustomers(300, 3)
    const results = await connector.upsertTogether!(records)
    assert.equal(results.filter((r) => r.ok).length, 1500)
    assert.equal(compositeCalls(), 2)
    assertLinked(records)
  })

  it('when a message links to a contact already in Salesforce, then it carries that id, in the same request as the new ones', async () => {
    const connector = connect()
    const [known] = await connector.upsertContacts([seedContact({ customerId: 'cust_known' })])
    assert.ok(known?.ok)
    const records = newCustomers(1, 1)
    records.messages.push({ ...seedMessageState({ customerId: 'cust_known', messageId: 'msg_known' }), contactCrmId: known.crmId })
    const before = compositeCalls()
    const results = await connector.upsertTogether!(records)
    assert.ok(results.every((r) => r.ok))
    assert.equal(compositeCalls() - before, 1)
    assert.equal(sandbox.dump().records.Task?.find((t) => t.AgentClara_Message_Id__c === 'msg_known')?.WhoId, known.crmId)
  })

  it('when a new contact fails in the call, then its records are not written and fail to retry, and the others of their collections go in one more call, linked by id', async () => {
    const connector = connect()
    await connector.prepare()
    const records = newCustomers(3, 2)
    sandbox.faults.set({ failRecords: { keys: ['cust_t1'], times: 1 } })
    const results = byKey(await connector.upsertTogether!(records))
    sandbox.faults.set({})
    // The Tasks and Events collections named cust_t1 by reference: Salesforce did not run them.
    assert.equal(compositeCalls(), 2)
    const failed = [...results.values()].filter((r) => !r.ok)
    assert.deepEqual(failed.map((r) => r.key).sort(), ['appointment:apt_cust_t1', 'contact:cust_t1', 'message:msg_cust_t1_0', 'message:msg_cust_t1_1'])
    for (const r of failed) assert.ok(!r.ok && r.retryable, r.key)
    const dependent = results.get('message:msg_cust_t1_0')
    assert.ok(dependent && !dependent.ok && /contact:cust_t1 failed/.test(dependent.error), JSON.stringify(dependent))
    const dump = sandbox.dump().records
    assert.deepEqual([dump.Contact?.length, dump.Task?.length, dump.Event?.length], [2, 4, 2])
    assertLinked({ ...records, messages: records.messages.filter((m) => m.customerId !== 'cust_t1'), appointments: records.appointments.filter((a) => a.customerId !== 'cust_t1') })

    // Its retry writes it and its records, once each.
    const retry = await connector.upsertTogether!(records)
    assert.ok(retry.every((r) => r.ok))
    const after = sandbox.dump().records
    assert.deepEqual([after.Contact?.length, after.Task?.length, after.Event?.length], [3, 6, 3])
    assertLinked(records)
  })
})
