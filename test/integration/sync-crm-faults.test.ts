import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { assertSyncedOnce, deliverCustomer, healCrms } from '../helpers/sync-scenario.ts'

// CRM faults through the whole pipeline: each scenario ends with every record in both
// sandboxes exactly once. Retries are shortened (1–2 s) by the harness. Rate limits and
// tokens are in sync-crm-limits-and-tokens.test.ts (a file of their own, so both run at once).
let h: SyncHarness
before(async () => { h = await startSyncHarness({ crmTimeoutMs: 500 }) })
after(() => h.close())
beforeEach(() => healCrms(h))

test('when both CRMs answer a burst of 5xx, then everything is synced once after retries', async () => {
  h.hubspot.faults.set({ failNext: { count: 4, status: 502 } })
  h.salesforce.setFaults({ failNext: { count: 4, status: 503 } })
  const customers = [await deliverCustomer(h, 'burst_cust_1'), await deliverCustomer(h, 'burst_cust_2')]
  await assertSyncedOnce(h, customers)
  assert.ok(h.hubspot.faults.stats().failed >= 1)
})

test('when a CRM fails whole calls (a 5xx burst, then a 429 storm), then its records spend no attempt: their jobs are queued again, not failed, and sync once', async () => {
  const retrying = async () => (await h.metrics.crmSync.get()).values
    .filter((value) => value.labels.crm === 'hubspot' && value.labels.outcome === 'retrying').reduce((sum, value) => sum + value.value, 0)
  const retryingBefore = await retrying()
  h.hubspot.faults.set({ failNext: { count: 4, status: 503 }, rateLimitNext: { count: 6, retryAfterSeconds: 1 } })
  const customers = [await deliverCustomer(h, 'whole_cust_1'), await deliverCustomer(h, 'whole_cust_2')]
  await assertSyncedOnce(h, customers)
  assert.deepEqual([h.hubspot.faults.stats().failed, h.hubspot.faults.stats().rateLimited], [4, 6])
  // Each failed call's records were counted retrying and queued again. (Not counted by the
  // jobs' retry flag: a record's flagged job can give way to a plain one queued for it
  // meanwhile — one job per entity and state.)
  assert.ok(await retrying() > retryingBefore, 'the failed calls\' records were queued again')
  const { rows: [jobs] } = await h.pool.query<{ contactsFailed: number, failedForCrm: number }>(`
    SELECT count(*) FILTER (WHERE retry_count > 0 AND data->>'type' = 'contact')::int AS "contactsFailed",
      count(*) FILTER (WHERE output->>'error' ~ '(503|429)')::int AS "failedForCrm"
    FROM pgboss.job WHERE name = 'sync-hubspot' AND singleton_key LIKE '%:whole\\_%'`)
  assert.ok(jobs, 'the jobs were read')
  assert.deepEqual([jobs.contactsFailed, jobs.failedForCrm], [0, 0], 'no job failed for the CRM\'s sake: none was backed off')
})

test('when a CRM hangs longer than CRM_TIMEOUT_MS, then the call is abandoned and the retry syncs it', async () => {
  h.hubspot.faults.set({ hangNext: { count: 2, seconds: 30 } })
  const customers = [await deliverCustomer(h, 'hang_cust_1')]
  const started = Date.now()
  await assertSyncedOnce(h, customers)
  assert.ok(Date.now() - started < 20_000, 'the 30 s hangs did not hold the sync')
  assert.equal(h.hubspot.faults.stats().hung, 2)
})

test('when one record of a batch fails, then only it is retried and it lands once', async () => {
  h.hubspot.faults.set({ failRecords: { keys: ['partial_cust_1'], times: 1 } })
  h.salesforce.setFaults({ failRecords: { keys: ['partial_cust_1'], times: 1 } })
  const customers = [await deliverCustomer(h, 'partial_cust_1'), await deliverCustomer(h, 'partial_cust_2')]
  await assertSyncedOnce(h, customers)
  assert.equal(h.hubspot.faults.stats().recordFailures, 1)
})
