import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { assertSyncedOnce, deliverCustomer, healCrms } from '../helpers/sync-scenario.ts'
import { until } from '../helpers/until.ts'

// Rate limits and expired tokens through the whole pipeline: each scenario ends with every
// record in both sandboxes exactly once, and nothing dead-lettered.
let h: SyncHarness
before(async () => { h = await startSyncHarness({ crmTimeoutMs: 500 }) })
after(() => h.close())
beforeEach(() => healCrms(h))

test('when HubSpot answers a 429 storm, then Retry-After is honoured and nothing fails for good', async () => {
  h.hubspot.faults.set({ rateLimitNext: { count: 6, retryAfterSeconds: 1 } })
  const customers = [await deliverCustomer(h, 'storm_cust_1'), await deliverCustomer(h, 'storm_cust_2')]
  await assertSyncedOnce(h, customers)
  const { rows } = await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE status = 'dead' AND entity_id LIKE 'storm_%'")
  assert.equal(rows[0].n, 0)
})

test('when the tokens expire, then Salesforce re-authorises and HubSpot retries until its token works again', async () => {
  h.salesforce.expireTokens()
  h.hubspot.expireToken()
  const customers = [await deliverCustomer(h, 'token_cust_1')]
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE crm = 'hubspot' AND status = 'retrying' AND entity_id = $1", [customers[0]])).rows[0].n, (count) => count > 0)
  h.hubspot.setAccessToken(h.hubspot.accessToken)
  await assertSyncedOnce(h, customers)
})
