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
import { syncQueue } from '../../src/sync/sync-queue.ts'
import { markSynced } from '../../src/sync/sync-records.ts'
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { startWaitingSweep } from '../../workers/waiting-sweep.ts'
import { hubspotRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// A message whose contact is not in HubSpot yet waits for it: its job completes, it is marked
// waiting, and it goes when its contact lands. Retries here are 10 minutes apart, so a wait
// that spent an attempt, or a wake that relied on a retry, would show.
let h: SyncHarness
before(async () => { h = await startSyncHarness({ retry: { retryDelay: 600, retryDelayMax: 600 } }) })
after(() => h.close())

const handler = () => createSyncHandler({
  pool: h.pool,
  boss: h.boss,
  connector: h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector'),
  circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }),
  logger: createLogger({ level: 'silent' }),
  metrics: h.metrics
})

/** Fetches what the HubSpot queue holds and runs it through the handler once, settling each job as pg-boss would. */
async function runQueuedOnce (): Promise<Map<string, string>> {
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  const results = await handler()(fetched.map((job) => ({ ...job, signal: new AbortController().signal })))
  for (const { id, status } of results) {
    if (status === 'failed') await h.boss.fail(syncQueue('hubspot'), id, { error: 'failed' })
    else await h.boss.complete(syncQueue('hubspot'), id)
  }
  return new Map(fetched.map((job) => [`${job.data.type}:${job.data.id}`, results.find((result) => result.id === job.id)?.status ?? 'none']))
}

const jobsOf = async (id: string) => (await h.pool.query<{ state: string, retry_count: number }>(
  "SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND data->>'id' = $2 AND state IN ('created', 'retry', 'active')", [syncQueue('hubspot'), id])).rows

/** Applies a conversation and its message, queues only the message's job, and runs it once by hand: it waits for its contact. */
async function messageWaitingForItsContact (ids: { conversation: string, customer: string, message: string }): Promise<void> {
  await h.stopWorkers()
  const conversation = seedEvent('conversation.created')
  const message = seedEvent('message.received')
  const client = await h.pool.connect()
  try {
    await client.query('BEGIN')
    await applyEvent(client, { ...conversation, data: { ...conversation.data, conversation_id: ids.conversation, customer_id: ids.customer } } as AgentClaraEvent)
    await applyEvent(client, { ...message, data: { ...message.data, conversation_id: ids.conversation, message_id: ids.message } } as AgentClaraEvent)
    await enqueueSync(h.boss, client, ['hubspot'], [{ type: 'message', id: ids.message }])
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  const statuses = await runQueuedOnce()
  assert.equal(statuses.get(`message:${ids.message}`), 'completed', 'a wait is not a failure')
  assert.deepEqual(await jobsOf(ids.message), [], 'no retry left behind')
  const record = await h.pool.query("SELECT status, last_error FROM crm_records WHERE crm = 'hubspot' AND entity_id = $1", [ids.message])
  assert.equal(record.rows[0]?.status, 'waiting')
  assert.match(record.rows[0]?.last_error, /^waiting for contact/)
}

test('when a message waits for its contact and the contact lands, then the message syncs within seconds, with no retry to wait for', async () => {
  await messageWaitingForItsContact({ conversation: 'conv_abc123', customer: 'cust_xyz789', message: 'msg_123' })
  await h.startWorkers()
  await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123').length, (n) => n === 1,
    { what: 'the message in HubSpot', timeoutMs: 15_000 })
})

// The fault suite's slow tail: a message read again and again while its contact failed had
// spent an attempt each time, so when it then failed once for itself — in the very batch that
// landed its contact — its retry came at a backoff its waits had grown.
test('when a message that waited twice fails for itself in the batch that lands its contact, then that failure is its first attempt', async () => {
  const ids = { conversation: 'conv_wake2', customer: 'cust_wake2', message: 'msg_wake2' }
  /** Its pending retry brought forward, as its backoff running out would; or, with none, a fresh job. */
  const readAgain = async (ref: EntityRef) => {
    const moved = await h.pool.query("UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND data->>'id' = $2 AND state = 'retry'", [syncQueue('hubspot'), ref.id])
    if (moved.rowCount === 0) await enqueueSync(h.boss, undefined, ['hubspot'], [ref])
  }
  await messageWaitingForItsContact(ids)
  // Its contact (queued by that wait) fails for itself: the message, read with it, waits again.
  h.hubspot.faults.set({ failRecords: { keys: [ids.customer], times: 1 } })
  await readAgain({ type: 'message', id: ids.message })
  const second = await runQueuedOnce()
  assert.deepEqual([second.get(`contact:${ids.customer}`), second.get(`message:${ids.message}`)], ['failed', 'completed'])
  // The contact lands; the message, in the same batch, fails once for itself.
  h.hubspot.faults.set({ failRecords: { keys: [ids.message], times: 1 } })
  await readAgain({ type: 'contact', id: ids.customer })
  await readAgain({ type: 'message', id: ids.message })
  const third = await runQueuedOnce()
  assert.deepEqual([third.get(`contact:${ids.customer}`), third.get(`message:${ids.message}`)], ['completed', 'failed'])
  assert.equal(h.hubspot.faults.stats().recordFailures, 2)
  // pg-boss counts a retry when it starts: 0 means this failure is the first one its backoff
  // counts (with each wait spent, it read 2, and the next delay grows with it).
  assert.deepEqual(await jobsOf(ids.message), [{ state: 'retry', retry_count: 0 }], 'its waits spent no attempt')
})

test('when a wake is lost, then the sweep queues the record still waiting for a contact already in the CRM', async () => {
  const ids = { conversation: 'conv_lost', customer: 'cust_lost', message: 'msg_lost' }
  await messageWaitingForItsContact(ids)
  // The contact lands but its batch's wake never happens: recorded by hand, as if it had.
  await markSynced(h.pool, 'hubspot', [{ ref: { type: 'contact', id: ids.customer }, crmId: 'contact-crm-id', hash: 'h', version: 0 }])
  const sweep = startWaitingSweep({ pool: h.pool, boss: h.boss, connector: h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector'), logger: createLogger({ level: 'silent' }), everyMs: 50 })
  try {
    await until(() => jobsOf(ids.message), (jobs) => jobs.length === 1, { what: 'the message queued again', timeoutMs: 5_000 })
  } finally {
    await sweep.stop()
  }
})
