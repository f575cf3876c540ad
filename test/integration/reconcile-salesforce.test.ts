import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sameValue } from '../../src/crm/compare-fields.ts'
import { toSalesforceContact } from '../../src/crm/salesforce/index.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import { salesforceUser } from '../helpers/crm-tamper.ts'
import { NO_DRIFT, noDrift, reconcile, startSeededHarness, syncSettled } from '../helpers/reconcile-helpers.ts'
import { salesforceRecords, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// External IDs without "Unique" (an org set up that way), so a second record can carry our id.
let h: SyncHarness
before(async () => { h = await startSeededHarness({ salesforce: { uniqueExternalIds: false } }) })
after(() => h.close())

const contacts = () => salesforceRecords(h.salesforce, 'Contact', 'AgentClara_Customer_Id__c', 'cust_xyz789')
const tasks = () => salesforceRecords(h.salesforce, 'Task', 'AgentClara_Message_Id__c', 'msg_123')

test('when a Contact\'s LastName is changed behind our back, then the pass reports it and the sync makes the Contact equal the mirror field by field', async () => {
  await (await salesforceUser(h.salesforce)).update('Contact', contacts()[0]!.Id, { LastName: 'Smythe' })
  const report = await reconcile(h, 'salesforce')
  assert.deepEqual(report.findings.map((f) => [f.ref.id, f.kind, f.fields]),
    [['cust_xyz789', 'differing', [{ field: 'LastName', crm: '••••he (6 chars)', mirror: '•••th (5 chars)' }]]])
  assert.equal(report.requeued, 1)
  await until(() => contacts()[0]?.LastName, (name) => name === 'Smith', { what: 'LastName written back' })
  const state = (await loadContacts(h.pool, ['cust_xyz789'])).get('cust_xyz789')!
  for (const [field, value] of Object.entries(toSalesforceContact(state))) {
    assert.ok(sameValue(value, contacts()[0]?.[field]), `${field} equals the mirror`)
  }
  await syncSettled(h)
  assert.deepEqual(noDrift(await reconcile(h, 'salesforce')), NO_DRIFT)
})

test('when a Task is deleted behind our back, then it is reported missing and recreated linked to its contact', async () => {
  await (await salesforceUser(h.salesforce)).remove('Task', tasks()[0]!.Id)
  const report = await reconcile(h, 'salesforce')
  assert.deepEqual(report.findings, [{ ref: { type: 'message', id: 'msg_123' }, kind: 'missing', crmIds: [] }])
  const [task] = await until(tasks, (found) => found.length === 1, { what: 'Task recreated' })
  assert.equal(task?.WhoId, contacts()[0]?.Id)
  assert.equal(task?.Description, 'Can I reschedule my appointment?')
  await syncSettled(h)
  assert.deepEqual(noDrift(await reconcile(h, 'salesforce')), NO_DRIFT)
})

test('when an Event is moved to another contact behind our back, then it is reported unassociated and linked back', async () => {
  const user = await salesforceUser(h.salesforce)
  const stranger = await user.create('Contact', { LastName: 'Stranger' })
  const [event] = salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', 'apt_123')
  await user.update('Event', event!.Id, { WhoId: stranger })
  const report = await reconcile(h, 'salesforce')
  assert.deepEqual(report.findings.map((f) => [f.ref.id, f.kind]), [['apt_123', 'unassociated']])
  await until(() => salesforceRecords(h.salesforce, 'Event', 'AgentClara_Appointment_Id__c', 'apt_123')[0]?.WhoId,
    (who) => who === contacts()[0]?.Id, { what: 'Event linked back to its contact' })
})

test('when a second Contact carries our customer id, then the pass reports a duplicate with both record ids and queues nothing', async () => {
  const ours = contacts()[0]!.Id
  const copy = await (await salesforceUser(h.salesforce)).create('Contact', { LastName: 'Smith', AgentClara_Customer_Id__c: 'cust_xyz789' })
  await syncSettled(h)
  const report = await reconcile(h, 'salesforce')
  const duplicate = report.findings.find((f) => f.kind === 'duplicate')
  assert.deepEqual(duplicate, { ref: { type: 'contact', id: 'cust_xyz789' }, kind: 'duplicate', crmIds: [ours, copy] })
  assert.equal(report.drift.duplicate, 1)
  assert.equal(report.requeued, 0, 'which record to keep is for a person to decide')
})

test('when a pass is aborted during its first read, then it makes no further CRM call and reports itself aborted', async () => {
  const controller = new AbortController()
  const real = h.connectors.find((c) => c.name === 'salesforce')!
  const readContacts = async (...args: Parameters<NonNullable<typeof real.readContacts>>) => {
    const found = await real.readContacts!(...args)
    controller.abort()
    return found
  }
  const connector = { ...real, readContacts }
  const before = h.salesforce.dump().requests.total
  const report = await reconcile(h, 'salesforce', { connector, signal: controller.signal })
  assert.equal(report.status, 'aborted')
  assert.equal(h.salesforce.dump().requests.total - before, 1, 'the contact query only; no message or appointment query')
})
