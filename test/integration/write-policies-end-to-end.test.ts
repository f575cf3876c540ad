import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { resyncAll } from '../../src/sync/resync-all.ts'
import { logIn } from '../helpers/admin-login.ts'
import { editedDefault } from '../helpers/mapping-files.ts'
import { ADMIN_TOKEN, hubspotRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { syncSettled } from '../helpers/sync-settled.ts'

// if_empty through the whole pipeline: the sync, the re-sync a fresh sandbox triggers, and
// what the dashboard shows.
let h: SyncHarness
let deliveries = 0
before(async () => {
  const mapping = editedDefault('hubspot', [['target: phone, policy: always', 'target: phone, policy: if_empty']])
  h = await startSyncHarness({ hubspotMappingFile: mapping.path })
})
after(() => h.close())

const phoneInHubspot = () => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')[0]?.properties.phone
const deliver = async (body: string) => { assert.equal((await h.deliver(body)).status, 200); deliveries += 1 }

test('when a HubSpot user changes an if_empty phone, then neither the next sync nor a full re-sync overwrites it', async () => {
  for (const type of seedEventTypes) await deliver(seedEventBody(type))
  await syncSettled(h, deliveries)
  assert.equal(phoneInHubspot(), '+15551234567')

  const [contact] = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')
  const edit = await fetch(`${h.hubspotUrl}/crm/v3/objects/contacts/${contact?.id}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${h.hubspot.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ properties: { phone: '+15559990000' } })
  })
  assert.equal(edit.status, 200)
  await deliver(JSON.stringify({ event: 'conversation.updated', timestamp: '2024-03-16T09:00:00Z', data: { conversation_id: 'conv_abc123', status: 'open', tags: [] } }))
  await syncSettled(h, deliveries)
  assert.equal(phoneInHubspot(), '+15559990000')
  assert.equal(hubspotRecords(h.hubspot, 'contacts')[0]?.properties.agentclara_conversation_status, 'open')

  // What a restarted sandbox triggers: forget every CRM record, queue the whole mirror again.
  await resyncAll(h.pool, h.boss, 'hubspot')
  await syncSettled(h, deliveries)
  assert.equal(phoneInHubspot(), '+15559990000')
  const { rows } = await h.pool.query("SELECT entity_type, entity_id, field FROM crm_field_ownership WHERE crm = 'hubspot'")
  assert.deepEqual(rows, [{ entity_type: 'contact', entity_id: 'cust_xyz789', field: 'phone' }])
})

test('when the admin opens the customer and the mapping pages, then the kept field and the policies are shown', async () => {
  const agent = request.agent(h.app)
  await logIn(agent, ADMIN_TOKEN)
  const customer = await agent.get('/admin/customers/cust_xyz789').expect(200)
  assert.match(customer.text, /CRM values kept \(someone else owns them\)/)
  assert.match(customer.text, /<td>hubspot<\/td>\s*<td class="mono">contact cust_xyz789<\/td>\s*<td class="mono">phone<\/td>/)

  const mapping = await agent.get('/admin/mapping').expect(200)
  assert.match(mapping.text, /<td class="mono">phone<\/td>\s*<td class="mono">—<\/td>\s*<td class="mono">phone<\/td>\s*<td><span class="badge waiting">if_empty<\/span>/)
  assert.match(mapping.text, /customer → Lead <span class="muted">\(not used by this deployment\)<\/span>/)
  assert.match(mapping.text, /agentclara_customer_id<\/td><td>the upsert key, idProperty/)
  assert.match(mapping.text, /&quot;\[\{channel\}\] \{sender\}: \{value\}&quot;/, 'file text is escaped')
})
