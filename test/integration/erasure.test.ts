import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { requestErasure } from '../../src/lifecycle/erasure-job.ts'
import { nothingFound, type ErasureReceipt } from '../../src/lifecycle/erasure-receipt.ts'
import { liftErasure } from '../../src/lifecycle/lift-erasure.ts'
import { loadReceipt } from '../../src/lifecycle/run-erasure.ts'
import { remnants, seedBodies, syncSeedCustomer, type seedIds } from '../helpers/seed-customer.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// Erasure through the worker's job, against both sandboxes driven by the real clients.
let h: SyncHarness
let ids: ReturnType<typeof seedIds>
let crmIds: Array<{ crm: string, entity_type: string, crm_id: string }>

before(async () => {
  h = await startSyncHarness()
  ids = await syncSeedCustomer(h)
  crmIds = (await h.pool.query('SELECT crm, entity_type, crm_id FROM crm_records ORDER BY crm, entity_type')).rows
})
after(() => h.close())

async function erased (customerId: string): Promise<ErasureReceipt> {
  const { erasureId } = await requestErasure(h.pool, h.boss, customerId, 'test')
  return until(() => loadReceipt(h.pool, erasureId), (receipt) => receipt?.status === 'completed', { what: 'erasure completed' }) as Promise<ErasureReceipt>
}

const recorded = (crm: string, type: string) => crmIds.filter((r) => r.crm === crm && r.entity_type === type).map((r) => r.crm_id)

test('when the seed customer is erased, then nothing of it is left in either CRM, the mirror, the inbox payloads or crm_records', async () => {
  const receipt = await erased(ids.customer)
  assert.deepEqual(await remnants(h, ids), { hubspot: 0, salesforce: 0, mirror: 0, inbox: 0, records: 0, versions: 0 })
  assert.deepEqual(receipt.local, { inbox: 5, customers: 1, conversations: 1, messages: 1, appointments: 1, crmRecords: 6 })
  for (const crm of ['hubspot', 'salesforce'] as const) {
    assert.deepEqual(receipt.crm[crm], { contact: recorded(crm, 'contact'), message: recorded(crm, 'message'), appointment: recorded(crm, 'appointment') })
  }
  assert.deepEqual(receipt.stepsDone, ['plan', 'local', 'crm:hubspot', 'crm:salesforce', 'finish'])
  assert.deepEqual(receipt.skipped, [])
  // Only hashes are kept once it is done.
  const { rows } = await h.pool.query('SELECT customer_id, plan FROM erasures WHERE id = $1', [receipt.erasureId])
  assert.deepEqual(rows[0], { customer_id: null, plan: null })
})

test('when the same customer is erased again, then the receipt says nothing was left', async () => {
  const receipt = await erased(ids.customer)
  assert.ok(nothingFound(receipt), JSON.stringify(receipt))
})

test('when an old event of the erased customer is delivered again, then it is a duplicate and nothing is stored', async () => {
  const res = await h.deliver(seedBodies()[0]!)
  assert.equal(res.body.outcome, 'duplicate')
  assert.equal((await remnants(h, ids)).inbox, 0)
})

test('when new events for the erased customer arrive, then they are held as suppressed and nothing comes back', async () => {
  const later = [
    JSON.stringify({ event: 'conversation.created', timestamp: '2024-06-01T09:00:00Z', data: { conversation_id: 'conv_new', customer_id: ids.customer, customer_name: 'John Smith', channel: 'sms', status: 'open' } }),
    JSON.stringify({ event: 'message.received', timestamp: '2024-06-01T09:01:00Z', data: { conversation_id: 'conv_new', message_id: 'msg_new', sender: 'customer', content: 'Hello again', channel: 'sms' } }),
    JSON.stringify({ event: 'conversation.updated', timestamp: '2024-06-01T09:02:00Z', data: { conversation_id: ids.conversation, status: 'open' } })
  ]
  for (const body of later) assert.equal((await h.deliver(body)).body.outcome, 'accepted')
  const held = await until(async () => (await h.pool.query("SELECT status, error FROM webhook_events WHERE status = 'suppressed' AND purged_at IS NULL")).rows,
    (rows) => rows.length === 3, { what: 'three held events' })
  assert.match(held[0]?.error, /^customer erased \(erasure #\d+\): held, not applied, until an operator lifts the erasure$/)
  const { rows } = await h.pool.query('SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM messages) AS messages')
  assert.deepEqual(rows[0], { customers: 0, messages: 0 })
  // Held events keep their payloads (new data, for a lift to apply) until retention empties them.
  assert.deepEqual(await remnants(h, ids), { hubspot: 0, salesforce: 0, mirror: 0, inbox: 2, records: 0, versions: 0 })
})

test('when the erasure is lifted, then the held events are applied and the customer syncs again', async () => {
  const outcome = await liftErasure(h.pool, h.boss, ids.customer)
  assert.deepEqual(outcome, { lifted: true, requeued: 3, emptied: 0 })
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM messages WHERE id = 'msg_new'")).rows[0].n, (n) => n === 1, { what: 'held message applied' })
  await until(() => h.hubspot.dump().objects.contacts?.filter((c) => c.properties.agentclara_customer_id === ids.customer).length, (n) => n === 1, { what: 'contact back in HubSpot' })
})
