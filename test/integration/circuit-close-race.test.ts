import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { JobWithMetadata } from 'pg-boss'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { seedEvent } from '../../src/events/seed-events.ts'
import { createLogger } from '../../src/logger.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import type { EntityRef } from '../../src/mirror/entity-ref.ts'
import { createCircuit } from '../../src/sync/circuit.ts'
import { enqueueSync } from '../../src/sync/enqueue-sync.ts'
import { requeueWaiting } from '../../src/sync/requeue-waiting.ts'
import { syncQueue } from '../../src/sync/sync-queue.ts'
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// A batch that found the circuit open parks its records as `waiting`; closing the circuit
// queues everything waiting again. Here the close and its re-queue run between the batch's
// read of the circuit and its marking: the re-queue cannot see records not marked yet.
let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(() => h.close())

test('when the circuit closes while a batch that found it open is parking its records, then those records are queued again, not left waiting', async () => {
  await h.stopWorkers()
  const contact: EntityRef = { type: 'contact', id: 'cust_race1' }
  const conversation = seedEvent('conversation.created')
  const client = await h.pool.connect()
  try {
    await client.query('BEGIN')
    await applyEvent(client, { ...conversation, data: { ...conversation.data, conversation_id: 'conv_race1', customer_id: contact.id } } as AgentClaraEvent)
    await enqueueSync(h.boss, client, ['hubspot'], [contact])
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status) VALUES ('hubspot', 'contact', $1, 'retrying')", [contact.id])
  const circuit = createCircuit({ pool: h.pool, crm: 'hubspot' })
  await circuit.failed('HubSpot answered 503', true)
  // No probe due: the batch parks its records instead of probing.
  await h.pool.query("UPDATE crm_circuits SET next_probe_at = now() + interval '1 hour' WHERE crm = 'hubspot'")

  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  const logger = createLogger({ level: 'silent' })
  const handler = createSyncHandler({ pool: h.pool, boss: h.boss, connector, circuit, logger, metrics: h.metrics })
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  assert.deepEqual(fetched.map((job) => job.data), [contact])

  // Hold the record's row so the batch's marking waits, after it has read the circuit open.
  const lock = await h.pool.connect()
  try {
    await lock.query('BEGIN')
    await lock.query("SELECT 1 FROM crm_records WHERE crm = 'hubspot' AND entity_id = $1 FOR UPDATE", [contact.id])
    const batch = handler(fetched.map((job) => ({ ...job, signal: new AbortController().signal })))
    await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO crm_records%'")).rows[0].n,
      (n) => n > 0, { what: 'the batch marking its records, waiting on the row lock' })
    // The CRM answers a probe meanwhile: the circuit closes and what is waiting is queued again.
    assert.equal(await circuit.succeeded(), true)
    assert.equal(await requeueWaiting({ pool: h.pool, boss: h.boss, connector, logger }), 0, 'the record is not marked waiting yet')
    await lock.query('COMMIT')
    await batch
  } finally {
    lock.release()
  }

  const { rows: [state] } = await h.pool.query<{ status: string, queued: number }>(`
    SELECT r.status, (SELECT count(*)::int FROM pgboss.job WHERE name = 'sync-hubspot' AND singleton_key = 'contact:' || r.entity_id AND state = 'created') AS queued
    FROM crm_records r WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1`, [contact.id])
  assert.equal(state?.status, 'waiting', 'parked')
  assert.equal(state?.queued, 1, 'and queued again, since the circuit closed meanwhile')
})
