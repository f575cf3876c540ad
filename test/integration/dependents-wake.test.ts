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

test('when a message waits for its contact and the contact lands, then the message syncs within seconds, not at its next backoff', async () => {
  await h.stopWorkers()
  // The mirror holds the conversation and the message; only the message's job is queued.
  const client = await h.pool.connect()
  try {
    await client.query('BEGIN')
    await applyEvent(client, seedEvent('conversation.created') as AgentClaraEvent)
    await applyEvent(client, seedEvent('message.received') as AgentClaraEvent)
    await enqueueSync(h.boss, client, ['hubspot'], [{ type: 'message', id: 'msg_123' }])
    await client.query('COMMIT')
  } finally {
    client.release()
  }
  const fetched = await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>
  const connector = h.connectors.find((c) => c.name === 'hubspot') ?? assert.fail('no HubSpot connector')
  const handler = createSyncHandler({ pool: h.pool, boss: h.boss, connector, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics })
  const [result] = await handler(fetched.map((job) => ({ ...job, signal: new AbortController().signal })))
  assert.equal(result?.status, 'failed', 'the message waits for its contact')
  await h.boss.fail(syncQueue('hubspot'), result?.id ?? '', { error: 'waiting for contact' })
  const retry = await h.pool.query("SELECT start_after > now() + interval '5 minutes' AS later FROM pgboss.job WHERE id = $1 AND state = 'retry'", [result?.id])
  assert.equal(retry.rows[0]?.later, true, 'its retry is minutes away')

  await h.startWorkers()
  await until(() => hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', 'msg_123').length, (n) => n === 1,
    { what: 'the message in HubSpot', timeoutMs: 15_000 })
})
