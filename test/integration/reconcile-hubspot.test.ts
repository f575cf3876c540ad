import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sameValue } from '../../src/crm/compare-fields.ts'
import { toHubspotContact } from '../../src/crm/hubspot/index.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import { hubspotUser } from '../helpers/crm-tamper.ts'
import { NO_DRIFT, noDrift, reconcile, startSeededHarness, syncSettled } from '../helpers/reconcile-helpers.ts'
import { hubspotRecords, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

let h: SyncHarness
before(async () => { h = await startSeededHarness() })
after(() => h.close())

const contact = () => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')[0]
const meeting = () => hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', 'apt_123')[0]
const communication = () => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123')[0]
const associatedToContact = (type: string, id: string | undefined) => h.hubspot.dump().associations
  .some((a) => a.fromObjectType === type && a.fromObjectId === id && a.toObjectType === 'contacts' && a.toObjectId === contact()?.id)
const syncJobs = async () => Number((await h.pool.query("SELECT count(*) FROM pgboss.job WHERE name LIKE 'sync-%'")).rows[0].count)

/** The contact as HubSpot holds it equals, property by property, what the sync writes for the mirror. */
async function assertContactEqualsMirror (): Promise<void> {
  const state = (await loadContacts(h.pool, ['cust_xyz789'])).get('cust_xyz789')
  assert.ok(state)
  for (const [name, value] of Object.entries(toHubspotContact(state).properties)) {
    assert.ok(sameValue(value, contact()?.properties[name]), `${name} equals the mirror`)
  }
}

test('when the seed events are synced to both CRMs, then a pass over each finds no drift', async () => {
  for (const crm of ['hubspot', 'salesforce']) {
    const report = await reconcile(h, crm)
    assert.deepEqual(noDrift(report), NO_DRIFT, crm)
    assert.equal(report.checked, 3, `${crm}: the contact, the message and the appointment were compared`)
    assert.equal(report.requeued, 0)
  }
})

test('when a meeting is changed behind our back and the pass is a dry run, then it reports the field and changes nothing', async () => {
  await hubspotUser(h.hubspot).update('meetings', meeting()!.id, { hs_meeting_title: 'Renamed by a user' })
  const recordsBefore = (await h.pool.query('SELECT * FROM crm_records ORDER BY crm, entity_type, entity_id')).rows
  const jobsBefore = await syncJobs()

  const report = await reconcile(h, 'hubspot', { dryRun: true })
  assert.equal(report.drift.differing, 1)
  assert.deepEqual(report.findings.map((f) => [f.ref, f.kind, f.fields?.map((field) => field.field)]),
    [[{ type: 'appointment', id: 'apt_123' }, 'differing', ['hs_meeting_title']]])
  assert.equal(report.requeued, 0)
  assert.deepEqual((await h.pool.query('SELECT * FROM crm_records ORDER BY crm, entity_type, entity_id')).rows, recordsBefore)
  assert.equal(await syncJobs(), jobsBefore, 'no sync job was queued')
  assert.equal(meeting()?.properties.hs_meeting_title, 'Renamed by a user')

  // A real pass heals it (leaving the portal as the mirror says for the tests below).
  assert.equal((await reconcile(h, 'hubspot')).requeued, 1)
  await until(() => meeting()?.properties.hs_meeting_title, (title) => title === 'Haircut', { what: 'meeting title written back' })
})

test('when a contact\'s phone is changed behind our back, then the pass names the field with masked values and the sync writes it back', async () => {
  await hubspotUser(h.hubspot).update('contacts', contact()!.id, { phone: '+15550009999' })
  const report = await reconcile(h, 'hubspot')
  assert.deepEqual(report.findings, [{
    ref: { type: 'contact', id: 'cust_xyz789' },
    kind: 'differing',
    crmIds: [contact()!.id],
    fields: [{ field: 'phone', crm: '••••••99 (12 chars)', mirror: '••••••67 (12 chars)' }]
  }])
  assert.doesNotMatch(JSON.stringify(report), /5550009999|5551234567/, 'no phone number in the report')
  assert.equal(report.requeued, 1)
  await until(() => contact()?.properties.phone, (phone) => phone === '+15551234567', { what: 'phone written back' })
  await assertContactEqualsMirror()
  await syncSettled(h)
  assert.deepEqual(noDrift(await reconcile(h, 'hubspot')), NO_DRIFT)
})

test('when the contact is deleted behind our back, then it is reported missing and recreated, with its communication and meeting associated again', async () => {
  const lostId = contact()!.id
  await hubspotUser(h.hubspot).archive('contacts', lostId)
  const report = await reconcile(h, 'hubspot')
  assert.deepEqual(report.findings.filter((f) => f.ref.type === 'contact'), [{ ref: { type: 'contact', id: 'cust_xyz789' }, kind: 'missing', crmIds: [] }])
  assert.ok(report.requeued >= 3, 'the contact, its message and its appointment are queued again')

  await until(() => contact()?.id, (id) => id !== undefined && id !== lostId, { what: 'contact recreated' })
  await until(() => associatedToContact('communications', communication()?.id) && associatedToContact('meetings', meeting()?.id), Boolean,
    { what: 'communication and meeting associated with the new contact' })
  await assertContactEqualsMirror()
  await syncSettled(h)
  assert.deepEqual(noDrift(await reconcile(h, 'hubspot')), NO_DRIFT)
  assert.equal(h.metrics.registry.getSingleMetric('crm_drift_total') !== undefined, true)
  const drift = await h.metrics.registry.getSingleMetricAsString('crm_drift_total')
  assert.match(drift, /crm_drift_total\{crm="hubspot",kind="missing"\} 1/)
  assert.match(drift, /crm_drift_total\{crm="hubspot",kind="differing"\} 3/)
})
