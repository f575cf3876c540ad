import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { pollUntil, waitForCrms } from './support/crm-tally.ts'
import { FAULT_SECRET, report, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, runLoad } from './support/load.ts'
import { postFaults, sandboxState } from './support/sandboxes.ts'

const CUSTOMERS = 300

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

interface State { requests: { byStatus: Record<string, number> }, faults: { failed: number, hung: number, rateLimited: number, recordFailures: number } }

test('when both CRMs answer 5xx bursts, hang past CRM_TIMEOUT_MS, storm 429s, expire tokens and fail single records, then everything syncs exactly once', { timeout: 300_000 }, async () => {
  const { hubspotUrl, salesforceUrl } = stack.sandboxes
  const failKeys = (kind: string) => Array.from({ length: 10 }, (_, i) => `f${kind}_${i * 7}`)
  // Counted faults apply in order hang → fail → rate limit to the next API requests.
  const plan = {
    hangNext: { count: 3, seconds: 3 },
    failNext: { count: 8, status: 503 },
    rateLimitNext: { count: 15, retryAfterSeconds: 1 },
    failRecords: { keys: [...failKeys('cust'), ...failKeys('msg'), ...failKeys('apt')], times: 2 }
  }
  await postFaults(hubspotUrl, plan)
  // Salesforce's REQUEST_LIMIT_EXCEEDED has no Retry-After, so the connector backs off 1 s,
  // 2 s, 4 s … (capped at 30 s): a shorter storm keeps this test's run time reasonable.
  await postFaults(salesforceUrl, { ...plan, failNext: { count: 8, status: 500 }, rateLimitNext: { count: 6 } })

  const events = customerEvents(CUSTOMERS)
  const load = runLoad({ events, target: () => stack.receiver.url, secret: FAULT_SECRET, concurrency: 16 })

  // Mid-run, expire the tokens: Salesforce's client must re-authorise; HubSpot's private
  // app token is dead until the operator restores it, which we do once 401s were seen.
  await pollUntil(() => stack.sandboxes.hubspot.dump().objects.contacts?.length ?? 0, (n) => n >= 20, { timeoutMs: 120_000, what: 'some contacts synced' })
  await postFaults(salesforceUrl, { expireTokens: true })
  await postFaults(hubspotUrl, { expireToken: true })
  await pollUntil(() => sandboxState<State>(hubspotUrl), (s) => (s.requests.byStatus['401'] ?? 0) > 0, { timeoutMs: 60_000, what: 'HubSpot 401 seen' })
  await postFaults(hubspotUrl, { accessToken: stack.sandboxes.env.HUBSPOT_ACCESS_TOKEN })

  const stats = await load
  const tally = await waitForCrms(stack.sandboxes.hubspot, stack.sandboxes.salesforce, CUSTOMERS, 240_000)
  const [hs, sf] = await Promise.all([sandboxState<State>(hubspotUrl), sandboxState<State>(salesforceUrl)])
  const stored = await stack.storedEventIds()
  const lostAcked = [...stats.acknowledged].filter((id) => !stored.has(id))
  report('CRM faults (5xx, hangs, 429, expired tokens, failRecords)', {
    eventsSent: stats.events,
    acknowledged: stats.acknowledged.size,
    hubspotFaults: hs.faults,
    hubspotStatuses: hs.requests.byStatus,
    salesforceFaults: sf.faults,
    salesforceStatuses: sf.requests.byStatus,
    crmExpected: tally.expected,
    crmSynced: tally.synced,
    lost: tally.missing + lostAcked.length,
    duplicated: tally.duplicated,
    misLinked: tally.misLinked
  })
  for (const state of [hs, sf]) {
    assert.equal(state.faults.hung, 3)
    assert.equal(state.faults.failed, 8)
    assert.ok(state.faults.recordFailures > 0)
  }
  assert.equal(hs.faults.rateLimited, 15)
  assert.equal(sf.faults.rateLimited, 6)
  assert.deepEqual(lostAcked, [])
  assert.equal(tally.duplicated, 0, tally.examples.join('; '))
  assert.equal(tally.missing, 0)
})
