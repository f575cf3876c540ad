import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createRateLimiter } from '../../src/sync/rate-limiter.ts'

// The sync paces itself from these (src/sync/batch-pacing.ts); the spending gate waits one
// window from the start, so a window of start-up calls does not read as the flow's spending.
test('when a connector is given a rate limiter, then its capacity says the window\'s length and allowance as the limiter does', () => {
  const limiter = createRateLimiter({ max: 100, intervalMs: 10_000 })
  const hubspot = createHubspotConnector({ accessToken: 'unused', baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000, limiter })
  const salesforce = createSalesforceConnector({ loginUrl: 'http://127.0.0.1:9', clientId: 'unused', clientSecret: 'unused', timeoutMs: 1000, limiter })
  for (const connector of [hubspot, salesforce]) {
    const capacity = connector.capacity?.()
    assert.equal(capacity?.windowMs, 10_000, connector.name)
    assert.equal(capacity?.windowCallsPerSecond, 10, connector.name)
    assert.equal(capacity?.callsPerSecond, 10, connector.name)
  }
  assert.equal(hubspot.capacity?.().recordsPerCall, 100)
  assert.equal(salesforce.capacity?.().recordsPerCall, 1000)
})
