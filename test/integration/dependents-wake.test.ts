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
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { hubspotRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// A message whose contact is not in HubSpot yet waits with backoff — here a 10-minute one.
// When the contact lands, the message must go at once, not at its next retry.
let h: SyncHarness
before(async () => { h = await startSyncHarness({ retry: { retryDelay: 600, retryDelayMax: 600 } }) })
after(() => h.close())

/** Applies a conversation and its message, queues only the message's job, and runs it once by hand: it fails waiting for its contact and its retry is 10 minutes away. */
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
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  const handler = createSyncHandler({ pool: h.pool, boss: h.boss, connector, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics })
  const results = await handler(fetched.map((job) => ({ ...job, signal: new AbortController().signal })))
  // Settled as pg-boss would: the fetch may also hold an earlier test's job, woken meanwhile.
  for (const { id, status } of results) {
    if (status === 'failed') await h.boss.fail(syncQueue('hubspot'), id, { error: 'waiting for contact' })
    else await h.boss.complete(syncQueue('hubspot'), id)
  }
  const ours = fetched.find((job) => job.data.id === ids.message)
  assert.equal(results.find((result) => result.id === ours?.id)?.status, 'failed', 'the message waits for its contact')
  const retry = await h.pool.query("SELECT start_after > now() + interval '5 minutes' AS later FROM pgboss.job WHERE id = $1 AND state = 'retry'", [ours?.id])
  assert.equal(retry.rows[0]?.later, true, 'its retry is minutes away')
}

test('when a message waits for its contact and the contact lands, then the message syncs within seconds, not at its next backoff', async () => {
  await messageWaitingForItsContact({ conversation: 'conv_abc123', customer: 'cust_xyz789', message: 'msg_123' })
  await h.startWorkers()
  await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123').length, (n) => n === 1,
    { what: 'the message in HubSpot', timeoutMs: 15_000 })
})

// The sync queues keep one job per entity and state: when the job queued to wake the message
// fails, pg-boss drops its retry in favour of the backed-off one already waiting.
test('when the woken message then fails once for itself, then it still syncs within seconds, not at its earlier backoff', async () => {
  await messageWaitingForItsContact({ conversation: 'conv_wake2', customer: 'cust_wake2', message: 'msg_wake2' })
  h.hubspot.faults.set({ failRecords: { keys: ['msg_wake2'], times: 1 } })
  await h.startWorkers()
  await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_wake2').length, (n) => n === 1,
    { what: 'the message in HubSpot', timeoutMs: 15_000 })
  assert.equal(h.hubspot.faults.stats().recordFailures, 1, 'the woken message failed once for itself')
})
