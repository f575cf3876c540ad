import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { withTransaction } from '../../src/db/pool.ts'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import type { EntityRef } from '../../src/mirror/entity-ref.ts'
import { syncBatch, type EntityOutcome } from '../../src/sync/sync-batch.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { markSynced } from '../../src/sync/sync-records.ts'
import { hubspotRecords, salesforceRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'

// syncBatch against both real connectors and their sandboxes over HTTP, on a real mirror,
// with no workers: what it writes, in which order, and the outcome it reports per entity.
// Every test uses customers of its own and starts without faults. (Resetting the sandboxes
// instead would mean provisioning HubSpot again each time, and its rate limit would make
// the tests wait.)
let h: SyncHarness
before(async () => { h = await startSyncHarness({ workers: false }) })
after(() => h.close())
beforeEach(() => {
  h.hubspot.faults.reset()
  h.salesforce.faults.reset()
})

const at = (minute: number) => `2024-07-01T10:${String(minute).padStart(2, '0')}:00Z`

/** A customer with a conversation, a message and an appointment, applied to the mirror. */
async function mirrorCustomer (name: string): Promise<{ contact: EntityRef, message: EntityRef, appointment: EntityRef }> {
  const events = [
    { event: 'conversation.created', timestamp: at(0), data: { conversation_id: `conv_${name}`, customer_id: `cust_${name}`, customer_name: `Test ${name}`, channel: 'sms', status: 'open' } },
    { event: 'message.received', timestamp: at(1), data: { conversation_id: `conv_${name}`, message_id: `msg_${name}`, sender: 'customer', content: `hello from ${name}`, channel: 'sms' } },
    { event: 'appointment.booked', timestamp: at(2), data: { conversation_id: `conv_${name}`, customer_id: `cust_${name}`, customer_name: `Test ${name}`, customer_phone: '+15550001234', appointment_id: `apt_${name}`, appointment_time: '2024-07-02T09:00:00Z', service: 'Checkup' } }
  ]
  await withTransaction(h.pool, async (client) => { for (const event of events) await applyEvent(client, event as AgentClaraEvent) })
  return { contact: { type: 'contact', id: `cust_${name}` }, message: { type: 'message', id: `msg_${name}` }, appointment: { type: 'appointment', id: `apt_${name}` } }
}

/** The customer's name changes (a later conversation.created): a field both CRMs' mappings write. */
async function rename (name: string, minute: number, customerName: string): Promise<void> {
  await withTransaction(h.pool, (client) => applyEvent(client, {
    event: 'conversation.created', timestamp: at(minute), data: { conversation_id: `conv_${name}`, customer_id: `cust_${name}`, customer_name: customerName, channel: 'sms', status: 'open' }
  } as AgentClaraEvent))
}

/** The first name the CRM holds for the customer. */
function crmFirstName (crm: string, customerId: string): unknown {
  return crm === 'hubspot'
    ? hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', customerId)[0]?.properties.firstname
    : salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', customerId)[0]?.FirstName
}

const requests = (connector: CrmConnector) => connector.name === 'hubspot' ? h.hubspot.dump().requests.total : h.salesforce.dump().requests.total
const key = (ref: EntityRef) => `${ref.type}:${ref.id}`
function crmIdOf (outcome: EntityOutcome | undefined): string {
  assert.ok(outcome && outcome.ok && 'crmId' in outcome, `expected a write, got ${JSON.stringify(outcome)}`)
  return outcome.crmId
}

/** Records the outcomes as the sync worker would, so the next batch sees them. */
async function record (connector: CrmConnector, outcomes: Map<string, EntityOutcome>): Promise<void> {
  const written = [...outcomes].flatMap(([entity, outcome]) => {
    if (!outcome.ok || !('crmId' in outcome)) return []
    const [type, id] = entity.split(/:(.*)/) as [EntityRef['type'], string]
    return [{ ref: { type, id }, crmId: outcome.crmId, hash: outcome.hash, version: 0 }]
  })
  await markSynced(h.pool, connector.name, written)
}

for (const name of ['hubspot', 'salesforce']) {
  const connector = () => h.connectors.find((c) => c.name === name) ?? assert.fail(`no ${name} connector`)

  test(`when a new contact, its message and its appointment are in one batch, then ${name} gets the contact first and both linked to it`, async () => {
    const refs = await mirrorCustomer(`${name}_new`)
    const before = requests(connector())
    const { outcomes, contactsNeeded } = await syncBatch({ pool: h.pool, connector: connector() }, [refs.message, refs.appointment, refs.contact])
    assert.deepEqual(contactsNeeded, [])
    const contactId = crmIdOf(outcomes.get(key(refs.contact)))
    const messageId = crmIdOf(outcomes.get(key(refs.message)))
    const appointmentId = crmIdOf(outcomes.get(key(refs.appointment)))
    if (name === 'hubspot') {
      const linked = (fromId: string) => h.hubspot.dump().associations.some((a) => a.fromObjectId === fromId && a.toObjectType === 'contacts' && a.toObjectId === contactId)
      assert.ok(linked(messageId), 'message associated to the contact')
      assert.ok(linked(appointmentId), 'appointment associated to the contact')
      assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', refs.contact.id)[0]?.properties.firstname, 'Test')
    } else {
      // One Composite request: the Task and Event name the new Contact as @{reference[i].id}.
      assert.equal(requests(connector()) - before, 1)
      assert.equal(salesforceRecords(h.salesforce, 'Task', 'Id', messageId)[0]?.WhoId, contactId)
      assert.equal(salesforceRecords(h.salesforce, 'Event', 'Id', appointmentId)[0]?.WhoId, contactId)
    }
  })

  test(`when the state was already written (same hash), then ${name} is not called again`, async () => {
    const refs = await mirrorCustomer(`${name}_same`)
    const all = [refs.contact, refs.message, refs.appointment]
    await record(connector(), (await syncBatch({ pool: h.pool, connector: connector() }, all)).outcomes)
    const before = requests(connector())
    const { outcomes } = await syncBatch({ pool: h.pool, connector: connector() }, all)
    for (const ref of all) assert.deepEqual(outcomes.get(key(ref)), { ok: true, unchanged: true })
    assert.equal(requests(connector()), before)
  })

  test(`when the mirrored state changed after a write, then ${name} gets the new state on the same record`, async () => {
    const refs = await mirrorCustomer(`${name}_changed`)
    const first = (await syncBatch({ pool: h.pool, connector: connector() }, [refs.contact])).outcomes
    await record(connector(), first)
    await rename(`${name}_changed`, 30, 'Renamed Customer')
    const second = (await syncBatch({ pool: h.pool, connector: connector() }, [refs.contact])).outcomes
    assert.equal(crmIdOf(second.get(key(refs.contact))), crmIdOf(first.get(key(refs.contact))))
    assert.equal(crmFirstName(name, refs.contact.id), 'Renamed')
  })

  test(`when only fields ${name}'s mapping does not write changed, then the contact is unchanged there, with no call, and still equals the mirror field by field`, async () => {
    // The default mappings: HubSpot writes the conversation's status and the last message to
    // the contact; Salesforce's Contact takes only the name and the phone.
    const refs = await mirrorCustomer(`${name}_unmapped`)
    await record(connector(), (await syncBatch({ pool: h.pool, connector: connector() }, [refs.contact])).outcomes)
    await withTransaction(h.pool, async (client) => {
      await applyEvent(client, { event: 'conversation.updated', timestamp: at(30), data: { conversation_id: `conv_${name}_unmapped`, status: 'closed', tags: ['done'] } } as AgentClaraEvent)
      await applyEvent(client, { event: 'message.received', timestamp: at(31), data: { conversation_id: `conv_${name}_unmapped`, message_id: `msg_${name}_unmapped_2`, sender: 'customer', content: 'one more thing', channel: 'sms' } } as AgentClaraEvent)
    })
    const before = requests(connector())
    const { outcomes } = await syncBatch({ pool: h.pool, connector: connector() }, [refs.contact])
    if (name === 'salesforce') {
      assert.deepEqual(outcomes.get(key(refs.contact)), { ok: true, unchanged: true })
      assert.equal(requests(connector()), before, 'no call')
    } else {
      crmIdOf(outcomes.get(key(refs.contact)))
      assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', refs.contact.id)[0]?.properties.agentclara_conversation_status, 'closed')
    }
    const state = (await withTransaction(h.pool, (client) => loadContacts(client, [refs.contact.id]))).get(refs.contact.id) ?? assert.fail('no contact in the mirror')
    const [read] = await (connector().readContacts ?? assert.fail('no read-back'))([state])
    assert.deepEqual(read?.copies.map((copy) => copy.differences), [[]], 'one copy, every field it writes as the mirror has it')
  })

  test(`when a message's contact has no ${name} record and is not in the batch, then the message waits and its contact is asked for`, async () => {
    const refs = await mirrorCustomer(`${name}_orphan`)
    const before = requests(connector())
    const { outcomes, contactsNeeded } = await syncBatch({ pool: h.pool, connector: connector() }, [refs.message])
    const outcome = outcomes.get(key(refs.message))
    assert.ok(outcome && !outcome.ok)
    assert.equal(outcome.retryable, true)
    assert.match(outcome.error, new RegExp(`waiting for contact ${refs.contact.id}`))
    assert.deepEqual(contactsNeeded, [refs.contact.id])
    assert.equal(requests(connector()), before, 'nothing written to a placeholder contact')
  })

  test(`when the contact fails in ${name}, then its message in the same batch waits with the contact's error and is not asked for again`, async () => {
    const refs = await mirrorCustomer(`${name}_failing`)
    const fault = { failRecords: { keys: [refs.contact.id], times: 1 } }
    if (name === 'hubspot') h.hubspot.faults.set(fault)
    else h.salesforce.setFaults(fault)
    const { outcomes, contactsNeeded } = await syncBatch({ pool: h.pool, connector: connector() }, [refs.contact, refs.message])
    const contact = outcomes.get(key(refs.contact))
    const message = outcomes.get(key(refs.message))
    assert.ok(contact && !contact.ok && contact.retryable)
    assert.ok(message && !message.ok && message.retryable)
    assert.ok(message.error.includes(contact.error), message.error)
    assert.equal('waitingFor' in message && message.waitingFor, refs.contact.id, 'it goes when its contact lands')
    assert.deepEqual(contactsNeeded, [])
  })
}

test('when entities are not in the mirror, then they are reported missing without a CRM call', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail()
  const before = requests(hubspot)
  const refs: EntityRef[] = [{ type: 'contact', id: 'cust_nobody' }, { type: 'message', id: 'msg_nobody' }, { type: 'appointment', id: 'apt_nobody' }]
  const { outcomes, contactsNeeded } = await syncBatch({ pool: h.pool, connector: hubspot }, refs)
  for (const ref of refs) assert.deepEqual(outcomes.get(key(ref)), { ok: true, missing: true })
  assert.deepEqual(contactsNeeded, [])
  assert.equal(requests(hubspot), before)
})

test('when the CRM rejects the whole call, then every contact in it fails permanently', async (t) => {
  // A HubSpot portal of its own, never provisioned: it answers 400 PROPERTY_DOESNT_EXIST.
  const portal = createHubspotSandbox()
  t.after(() => portal.close())
  const hubspot = createHubspotConnector({ accessToken: portal.accessToken, baseUrl: await portal.listen(), timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} } })
  const first = await mirrorCustomer('unprovisioned_1')
  const second = await mirrorCustomer('unprovisioned_2')
  const { outcomes } = await syncBatch({ pool: h.pool, connector: hubspot }, [first.contact, second.contact])
  for (const ref of [first.contact, second.contact]) {
    const outcome = outcomes.get(key(ref))
    assert.ok(outcome && !outcome.ok, JSON.stringify(outcome))
    assert.equal(outcome.retryable, false)
    assert.match(outcome.error, /CrmPermanentError/)
  }
})

test('when the CRM fails transiently twice, then every record of the call fails retryably', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail()
  const refs = await mirrorCustomer('transient')
  h.hubspot.faults.set({ failNext: { count: 2, status: 503 } })
  const { outcomes } = await syncBatch({ pool: h.pool, connector: hubspot }, [refs.contact])
  const outcome = outcomes.get(key(refs.contact))
  assert.ok(outcome && !outcome.ok)
  assert.equal(outcome.retryable, true)
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', refs.contact.id).length, 0)
})

test('when Salesforce\'s calls go full only, then its kinds fill a call together: the part-filled rest of all of them is held, not each kind\'s', async () => {
  const salesforce = h.connectors.find((c) => c.name === 'salesforce') ?? assert.fail('no salesforce connector')
  const a = await mirrorCustomer('sf_fill_a')
  const b = await mirrorCustomer('sf_fill_b')
  const before = requests(salesforce)
  // Six records, four to a call: each kind alone (two) fills no call, and every record would be held.
  const { outcomes } = await syncBatch({ pool: h.pool, connector: salesforce }, [a.contact, b.contact, a.message, b.message, a.appointment, b.appointment], undefined,
    { fillCalls: { recordsPerCall: 4, mayHold: () => true } })
  assert.equal(requests(salesforce) - before, 1, 'one Composite request')
  for (const ref of [a.contact, b.contact, a.message, b.message]) crmIdOf(outcomes.get(key(ref)))
  for (const ref of [a.appointment, b.appointment]) assert.deepEqual(outcomes.get(key(ref)), { ok: true, held: true }, ref.id)
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'Id', crmIdOf(outcomes.get(key(a.message))))[0]?.WhoId, crmIdOf(outcomes.get(key(a.contact))))
})

test('when Salesforce\'s part-filled rest holds a new contact, then its records in the batch are held with it, even those that may not be held again', async () => {
  const salesforce = h.connectors.find((c) => c.name === 'salesforce') ?? assert.fail('no salesforce connector')
  const c1 = await mirrorCustomer('sf_fill_c1')
  const c2 = await mirrorCustomer('sf_fill_c2')
  const before = requests(salesforce)
  const { outcomes } = await syncBatch({ pool: h.pool, connector: salesforce }, [c1.contact, c2.contact, c2.message], undefined,
    { fillCalls: { recordsPerCall: 2, mayHold: (k) => k !== key(c2.message) } })
  assert.equal(requests(salesforce) - before, 1)
  crmIdOf(outcomes.get(key(c1.contact)))
  assert.deepEqual(outcomes.get(key(c2.contact)), { ok: true, held: true })
  assert.deepEqual(outcomes.get(key(c2.message)), { ok: true, held: true }, 'not written without its contact, nor left waiting for it')
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', c2.message.id).length, 0)
})

for (const name of ['hubspot', 'salesforce']) {
  const connector = () => h.connectors.find((c) => c.name === name) ?? assert.fail(`no ${name} connector`)

  test(`when a contact put off while the budget is the bottleneck fits in a call ${name} makes anyway, then it rides along; alone, it waits`, async () => {
    const capacity = connector().capacity?.() ?? assert.fail('no capacity')
    const rideAlong = { recordsPerCall: capacity.recordsPerCall, recordsPerCollection: capacity.recordsPerCollection }
    const options = { deferContactUpdates: { maxStaleMs: 30_000, rideAlong } }
    const known = await mirrorCustomer(`${name}_ride_known`)
    const first = (await syncBatch({ pool: h.pool, connector: connector() }, [known.contact])).outcomes
    await record(connector(), first)
    // Changed just after its last write: put off, unless a call goes anyway.
    await rename(`${name}_ride_known`, 30, 'Riding Along')
    const fresh = await mirrorCustomer(`${name}_ride_new`)
    const before = requests(connector())
    const { outcomes } = await syncBatch({ pool: h.pool, connector: connector() }, [known.contact, fresh.contact], undefined, options)
    assert.equal(requests(connector()) - before, 1, 'one call, for the new contact, carrying the one put off')
    crmIdOf(outcomes.get(key(fresh.contact)))
    assert.equal(crmIdOf(outcomes.get(key(known.contact))), crmIdOf(first.get(key(known.contact))), 'the same record')
    const written = outcomes.get(key(known.contact))
    assert.ok(written && 'hash' in written && 'hash' in (first.get(key(known.contact)) ?? {}))
    assert.notEqual(written.hash, (first.get(key(known.contact)) as { hash: string }).hash, 'its new state')
    assert.equal(crmFirstName(name, known.contact.id), 'Riding')
    await record(connector(), outcomes)

    await rename(`${name}_ride_known`, 31, 'Waiting Alone')
    const alone = await syncBatch({ pool: h.pool, connector: connector() }, [known.contact], undefined, options)
    assert.deepEqual(alone.outcomes.get(key(known.contact)), { ok: true, deferred: true })
    assert.equal(requests(connector()) - before, 1, 'no call for it alone')
  })

  test(`when contacts put off for quiet customers can complete a call ${name} would hold part-filled, then it goes now, full; for customers still active, it is held`, async () => {
    // Two contacts in the CRM, changed since their last write (put off), and a new contact
    // that must go — with its message for Salesforce, whose calls mix kinds. The call shapes are
    // small: the new contact (and message) part-fill one call, and the two put off fill it.
    const known = [await mirrorCustomer(`${name}_settled_a`), await mirrorCustomer(`${name}_settled_b`)]
    await record(connector(), (await syncBatch({ pool: h.pool, connector: connector() }, known.map((k) => k.contact))).outcomes)
    for (const [i, k] of known.entries()) await rename(k.contact.id.slice('cust_'.length), 40 + i, 'Settled Down')
    const fresh = await mirrorCustomer(`${name}_settled_new`)
    const refs = name === 'hubspot' ? [fresh.contact, ...known.map((k) => k.contact)] : [fresh.contact, fresh.message, ...known.map((k) => k.contact)]
    const fillCalls = name === 'hubspot' ? { recordsPerCall: 3, mayHold: () => true } : { recordsPerCall: 6, recordsPerCollection: 2, mayHold: () => true }
    const options = (settledAfterMs: number) => ({ deferContactUpdates: { maxStaleMs: 30_000, settledAfterMs }, fillCalls })
    const before = requests(connector())

    // Their customers' last events are a moment old: not quiet for a minute.
    const active = await syncBatch({ pool: h.pool, connector: connector() }, refs, undefined, options(60_000))
    assert.equal(requests(connector()) - before, 0, 'the part-filled call is held')
    assert.deepEqual(active.outcomes.get(key(fresh.contact)), { ok: true, held: true })
    for (const k of known) assert.deepEqual(active.outcomes.get(key(k.contact)), { ok: true, deferred: true })

    // Quiet for as long as asked (0 ms): they complete the call.
    const quiet = await syncBatch({ pool: h.pool, connector: connector() }, refs, undefined, options(0))
    assert.equal(requests(connector()) - before, 1, 'one call, full')
    for (const ref of refs) crmIdOf(quiet.outcomes.get(key(ref)))
    for (const k of known) {
      assert.equal(crmFirstName(name, k.contact.id), 'Settled')
      if (name === 'salesforce') assert.equal(salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', k.contact.id).length, 1)
    }
  })
}

test('when Salesforce\'s calls go full only, then what is held is whole collections: the one that would spill into a call of its own', async () => {
  const salesforce = h.connectors.find((c) => c.name === 'salesforce') ?? assert.fail('no salesforce connector')
  const [a, b, c] = [await mirrorCustomer('sf_coll_a'), await mirrorCustomer('sf_coll_b'), await mirrorCustomer('sf_coll_c')]
  const before = requests(salesforce)
  // A call shape of two collections of two: three contacts (two collections) and one message
  // (a third) fill one call and spill into another; four records, so by count alone all would go.
  // (The connector's own calls take 200 a collection: these go in one request either way.)
  const { outcomes } = await syncBatch({ pool: h.pool, connector: salesforce }, [a.contact, b.contact, c.contact, a.message], undefined,
    { fillCalls: { recordsPerCall: 4, recordsPerCollection: 2, mayHold: () => true } })
  assert.equal(requests(salesforce) - before, 1)
  for (const ref of [a.contact, b.contact, c.contact]) crmIdOf(outcomes.get(key(ref)))
  assert.deepEqual(outcomes.get(key(a.message)), { ok: true, held: true }, 'the collection that spills is held')
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', a.message.id).length, 0)
})

test('when Salesforce\'s calls go full only and records that may not wait are spread over its collections, then those go first and a collection of records that may wait is held', async () => {
  const salesforce = h.connectors.find((c) => c.name === 'salesforce') ?? assert.fail('no salesforce connector')
  const [a, b, c, d] = [await mirrorCustomer('sf_first_a'), await mirrorCustomer('sf_first_b'), await mirrorCustomer('sf_first_c'), await mirrorCustomer('sf_first_d')]
  // a, b and c's Contacts are in Salesforce: their messages go linked to them.
  await record(salesforce, (await syncBatch({ pool: h.pool, connector: salesforce }, [a.contact, b.contact, c.contact])).outcomes)
  const before = requests(salesforce)
  // Two collections of two a call: d's new Contact (one collection) and three messages (two)
  // spill one collection. Only b's message may wait (the others were held before): in the
  // fetch's order its collection also holds a's, which may not, and none could be held.
  const mayWait = new Set([key(b.message)])
  const { outcomes } = await syncBatch({ pool: h.pool, connector: salesforce }, [d.contact, a.message, b.message, c.message], undefined,
    { fillCalls: { recordsPerCall: 4, recordsPerCollection: 2, mayHold: (k: string) => mayWait.has(k) } })
  assert.deepEqual(outcomes.get(key(b.message)), { ok: true, held: true }, 'the message that may wait is held')
  for (const ref of [d.contact, a.message, c.message]) crmIdOf(outcomes.get(key(ref)))
  assert.equal(requests(salesforce) - before, 1)
  assert.equal(salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', b.message.id).length, 0)
})
