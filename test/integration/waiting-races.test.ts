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
import { dependentsWaitingFor, markWaiting } from '../../src/sync/sync-records.ts'
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// Records marked `waiting` are queued again by whatever they wait for: the circuit's close
// (everything waiting for the CRM) or their contact landing (what waits for it). Each test runs
// that wake between the batch's decision to wait and its marking, by holding the record's row:
// the wake cannot see records not marked yet. Every job is on its last attempt (retryLimit 0).
let h: SyncHarness
before(async () => { h = await startSyncHarness({ retry: { retryLimit: 0 } }) })
after(() => h.close())

test('when the circuit closes while a batch that found it open is parking its records, then those records are queued again, not left waiting', async () => {
  const contact: EntityRef = { type: 'contact', id: 'cust_race1' }
  await queueAlone(contact, [event('conversation.created', { conversation_id: 'conv_race1', customer_id: contact.id })])
  const circuit = createCircuit({ pool: h.pool, crm: 'hubspot' })
  await circuit.failed('HubSpot answered 503', true)
  // No probe due: the batch parks its records instead of probing.
  await h.pool.query("UPDATE crm_circuits SET next_probe_at = now() + interval '1 hour' WHERE crm = 'hubspot'")

  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  const logger = createLogger({ level: 'silent' })
  const handler = createSyncHandler({ pool: h.pool, boss: h.boss, connector, circuit, logger, metrics: h.metrics })
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  assert.deepEqual(fetched.map((job) => job.data), [contact])

  // The CRM answers a probe meanwhile: the circuit closes and what is waiting is queued again.
  await runWithRowHeld(contact, handler, fetched, async () => {
    assert.equal(await circuit.succeeded(), true)
    assert.equal(await requeueWaiting({ pool: h.pool, boss: h.boss, connector, logger }), 0, 'the record is not marked waiting yet')
  })
  assert.deepEqual(await statusAndQueued(contact), { status: 'waiting', queued: 1 }, 'parked, and queued again since the circuit closed meanwhile')
})

test('when a message\'s contact lands while the batch that found it missing is marking the message waiting, then the message is queued again', async () => {
  const message: EntityRef = { type: 'message', id: 'msg_race2' }
  await queueAlone(message, [
    event('conversation.created', { conversation_id: 'conv_race2', customer_id: 'cust_race2' }),
    event('message.received', { conversation_id: 'conv_race2', message_id: message.id })
  ])
  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  const handler = createSyncHandler({ pool: h.pool, boss: h.boss, connector, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics })
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  assert.deepEqual(fetched.map((job) => job.data), [message])

  // Its contact lands meanwhile (another batch wrote it), and that batch looks for what waits for it.
  await runWithRowHeld(message, handler, fetched, async () => {
    await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id) VALUES ('hubspot', 'contact', 'cust_race2', 'synced', '9001')")
    assert.deepEqual(await dependentsWaitingFor(h.pool, 'hubspot', ['cust_race2']), [], 'the message is not marked waiting yet')
  })
  assert.deepEqual(await statusAndQueued(message), { status: 'waiting', queued: 1 }, 'waiting for its contact, and queued again since it landed meanwhile')
})

/** The seed event of `type` with these ids. */
function event (type: 'conversation.created' | 'message.received', ids: Record<string, string>): AgentClaraEvent {
  const seed = seedEvent(type)
  return { ...seed, data: { ...seed.data, ...ids } } as AgentClaraEvent
}

/** With the workers stopped: applies `events`, queues only `ref`'s HubSpot job, and gives `ref` a crm_records row to hold. */
async function queueAlone (ref: EntityRef, events: AgentClaraEvent[]): Promise<void> {
  await h.stopWorkers()
  const client = await h.pool.connect()
  try {
    await client.query('BEGIN')
    for (const applied of events) await applyEvent(client, applied)
    await enqueueSync(h.boss, client, ['hubspot'], [ref])
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  await h.pool.query("INSERT INTO crm_records (crm, entity_type, entity_id, status) VALUES ('hubspot', $1, $2, 'retrying')", [ref.type, ref.id])
}

/** Runs the batch while holding `ref`'s crm_records row, so its marking waits; runs `meanwhile` then, and lets it finish. */
async function runWithRowHeld (ref: EntityRef, handler: ReturnType<typeof createSyncHandler>, fetched: Array<JobWithMetadata<EntityRef>>, meanwhile: () => Promise<void>): Promise<void> {
  const lock = await h.pool.connect()
  try {
    await lock.query('BEGIN')
    await lock.query("SELECT 1 FROM crm_records WHERE crm = 'hubspot' AND entity_type = $1 AND entity_id = $2 FOR UPDATE", [ref.type, ref.id])
    const batch = handler(fetched.map((job) => ({ ...job, signal: new AbortController().signal })))
    await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO crm_records%'")).rows[0].n,
      (n) => n > 0, { what: 'the batch marking its records, waiting on the row lock' })
    await meanwhile()
    await lock.query('COMMIT')
    await batch
  } finally {
    lock.release()
  }
}

async function statusAndQueued (ref: EntityRef): Promise<{ status: string, queued: number } | undefined> {
  const { rows: [state] } = await h.pool.query<{ status: string, queued: number }>(`
    SELECT r.status, (SELECT count(*)::int FROM pgboss.job WHERE name = 'sync-hubspot' AND singleton_key = $1 AND state = 'created') AS queued
    FROM crm_records r WHERE crm = 'hubspot' AND entity_type = $2 AND entity_id = $3`, [`${ref.type}:${ref.id}`, ref.type, ref.id])
  return state
}

test('when the circuit closes, then records parked for the CRM are queued again, and records waiting for their contact are not: its landing wakes them', async () => {
  const parked: EntityRef = { type: 'contact', id: 'cust_close_parked' }
  const waits: EntityRef = { type: 'message', id: 'msg_close_waits' }
  await markWaiting(h.pool, 'hubspot', [parked], 'hubspot unavailable, waiting for it to answer again: HubSpot answered 503')
  await markWaiting(h.pool, 'hubspot', [waits], 'waiting for contact: it goes as soon as its contact is in the CRM')
  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  await requeueWaiting({ pool: h.pool, boss: h.boss, connector, logger: createLogger({ level: 'silent' }) })
  // Jobs in any state: a worker may have taken the parked record's already.
  const jobs = async (ref: EntityRef) => (await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND singleton_key = $2',
    [syncQueue('hubspot'), `${ref.type}:${ref.id}`])).rows[0]?.n
  assert.equal(await jobs(parked), 1)
  assert.equal(await jobs(waits), 0, 'read again now it would only wait again')
})
