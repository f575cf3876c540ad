import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { hubspotSnapshot, salesforceSnapshot } from '../helpers/crm-records-snapshot.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// `seed-crm-records.json` is what the seed's five events produced in both sandboxes with the
// hard-coded mappings (f729a5b), before the mapping became configuration.
const expected = JSON.parse(readFileSync(new URL('../fixtures/seed-crm-records.json', import.meta.url), 'utf8'))

let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(() => h.close())

const idle = async () => Number((await h.pool.query(
  "SELECT count(*) FROM pgboss.job WHERE name LIKE 'sync-%' AND state IN ('created', 'retry', 'active')")).rows[0].count) === 0

test('when the seed events sync with the default mapping, then both CRMs hold exactly the records of the hard-coded mapping, field by field', async () => {
  for (const type of seedEventTypes) assert.equal((await h.deliver(seedEventBody(type))).status, 200)
  await until(async () => {
    const applied = Number((await h.pool.query("SELECT count(*) FROM webhook_events WHERE status = 'applied'")).rows[0].count)
    return applied === seedEventTypes.length && await idle()
  }, Boolean, { what: 'seed applied and synced' })
  assert.deepEqual(hubspotSnapshot(h.hubspot), expected.hubspot)
  assert.deepEqual(salesforceSnapshot(h.salesforce), expected.salesforce)
})
