import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import type { JobWithMetadata, PgBoss } from 'pg-boss'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { toHubspotContact } from '../../src/crm/hubspot/mapping.ts'
import { createBoss } from '../../src/db/boss.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { seedEvent } from '../../src/events/seed-events.ts'
import { createLogger } from '../../src/logger.ts'
import { createMetrics } from '../../src/metrics.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import type { EntityRef } from '../../src/mirror/entity-ref.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import { createHubspotSandbox, type HubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { createCircuit } from '../../src/sync/circuit.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { recordChanges } from '../../src/sync/entity-versions.ts'
import { createRateLimiter } from '../../src/sync/rate-limiter.ts'
import { syncQueue } from '../../src/sync/sync-queue.ts'
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { hubspotRecords } from '../helpers/sync-harness.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { until } from '../helpers/until.ts'

// The race issue #10 describes, forced step by step: a contact's sync job is waiting; an
// apply transaction (appointment.booked, which brings the phone) changes the contact and
// its enqueue is dropped by the stately singleton; before the apply commits, the waiting
// job is fetched and runs. Without the version lock it wrote the contact without the
// phone and recorded it as synced, and nothing ever sent the phone.
const CUSTOMER = 'cust_xyz789'
let database: TestDatabase
let pool: pg.Pool
let boss: PgBoss
let hubspot: HubspotSandbox
let connector: CrmConnector

before(async () => {
  database = await createTestDatabase()
  await runMigrations(database.url)
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  pool = createPool({ connectionString: database.url, logger })
  boss = createBoss({ connectionString: database.url, logger })
  await boss.start()
  await ensureQueues(boss, ['hubspot'])
  hubspot = createHubspotSandbox()
  connector = createHubspotConnector({
    accessToken: hubspot.accessToken,
    baseUrl: await hubspot.listen(),
    appointmentObject: 'meetings',
    timeoutMs: 5000,
    limiter: createRateLimiter({ max: 100, intervalMs: 10_000 })
  })
  await connector.prepare()
})

after(async () => {
  await boss.stop({ graceful: false })
  await pool.end()
  await hubspot.close()
  await database.drop()
})

/** Applies an event the way the apply worker does, in `client`'s open transaction. */
async function applyAndRecord (client: pg.PoolClient, event: AgentClaraEvent): Promise<EntityRef[]> {
  const refs = await applyEvent(client, event)
  await recordChanges(boss, client, ['hubspot'], refs)
  return refs
}

const waitingJobs = async () => Number((await pool.query(
  "SELECT count(*) FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [syncQueue('hubspot'), `contact:${CUSTOMER}`])).rows[0].count)

test('when a sync job is fetched between an apply\'s dropped enqueue and its commit, then it waits for the commit and writes the change', async (t) => {
  const first = await pool.connect()
  await first.query('BEGIN')
  await applyAndRecord(first, seedEvent('conversation.created') as AgentClaraEvent)
  await first.query('COMMIT')
  first.release()
  assert.equal(await waitingJobs(), 1, 'the contact\'s sync job is waiting')

  // The apply that brings the phone, held open after its enqueue.
  const apply = await pool.connect()
  t.after(async () => { await apply.query('ROLLBACK').catch(() => {}); apply.release() })
  await apply.query('BEGIN')
  await applyAndRecord(apply, seedEvent('appointment.booked') as AgentClaraEvent)
  assert.equal(await waitingJobs(), 1, 'its enqueue was dropped: one job was already waiting')

  // The waiting job is fetched now, before the apply commits, and runs.
  const fetched = await boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  // What work() hands a handler: the job plus its abort signal.
  const jobs = fetched.map((job) => ({ ...job, signal: new AbortController().signal }))
  assert.deepEqual(jobs.map((job) => job.data), [{ type: 'contact', id: CUSTOMER }])
  const handler = createSyncHandler({
    pool, boss, connector, circuit: createCircuit({ pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: createMetrics({ defaultMetrics: false })
  })
  let settled = false
  const running = handler(jobs).finally(() => { settled = true })

  // It must not write before the apply commits: it waits on the version row's lock.
  const blocked = await until(async () => settled || await waitsOnVersionLock(), Boolean, { what: 'the sync job blocked or done' })
  assert.equal(settled, false, 'the sync job finished while the apply was still open: it read a state without the apply\'s change')
  assert.equal(blocked, true)

  await apply.query('COMMIT')
  const results = await running
  assert.deepEqual(results.map((result) => result.status), ['completed'])

  // The CRM record equals the mirror, field by field, phone included.
  const expected = toHubspotContact((await loadContacts(pool, [CUSTOMER])).get(CUSTOMER) ?? assert.fail('no contact'))
  const [record, ...others] = hubspotRecords(hubspot, 'contacts', 'agentclara_customer_id', CUSTOMER)
  assert.equal(others.length, 0)
  assert.equal(expected.properties.phone, '+15551234567')
  for (const [property, value] of Object.entries(expected.properties)) {
    assert.equal(record?.properties[property], value, `HubSpot contact ${property}`)
  }
  const { rows } = await pool.query(`SELECT r.synced_version, v.version FROM crm_records r
    JOIN entity_versions v ON v.entity_type = r.entity_type AND v.entity_id = r.entity_id
    WHERE r.crm = 'hubspot' AND r.entity_type = 'contact' AND r.entity_id = $1`, [CUSTOMER])
  assert.equal(Number(rows[0]?.synced_version), Number(rows[0]?.version), 'marked synced at the version that holds the change')
})

async function waitsOnVersionLock (): Promise<boolean> {
  const { rows } = await pool.query(`SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%entity_versions%FOR SHARE%'`)
  return Number(rows[0].count) > 0
}
