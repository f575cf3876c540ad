import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import type { JobWithMetadata } from 'pg-boss'
import { createLogger } from '../../src/logger.ts'
import { APPLY_QUEUE, type ApplyJob } from '../../src/mirror/apply-queue.ts'
import { createApplyHandler } from '../../workers/apply-worker.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'

// The apply worker's batch, driven by hand on real queued jobs: the workers are stopped,
// deliveries queue their apply jobs, the test fetches them as the worker would.
let h: SyncHarness
before(async () => {
  h = await startSyncHarness()
  await h.stopWorkers()
})
after(() => h.close())

const event = (type: string, timestamp: string, data: Record<string, unknown>) => JSON.stringify({ event: type, timestamp, data })

/** An apply handler whose debug lines the test can read. */
function handlerWithLog () {
  const lines: string[] = []
  const destination = new Writable({ write (chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const handler = createApplyHandler({ pool: h.pool, boss: h.boss, crms: ['hubspot', 'salesforce'], logger: createLogger({ level: 'debug', destination }) })
  return { handler, redone: () => lines.some((line) => line.includes('apply batch redone event by event')) }
}

async function deliverAndFetch (bodies: string[]): Promise<Array<JobWithMetadata<ApplyJob>>> {
  for (const body of bodies) assert.equal((await h.deliver(body)).status, 200)
  const jobs = await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50, includeMetadata: true })
  assert.equal(jobs.length, bodies.length, 'one apply job per delivery')
  return jobs
}

const statusOf = async (messageOrConversation: string) => (await h.pool.query<{ status: string }>(
  "SELECT status FROM webhook_events WHERE payload->'data'->>'message_id' = $1 OR (payload->>'event' = 'conversation.created' AND payload->'data'->>'conversation_id' = $1)",
  [messageOrConversation])).rows[0]?.status

const syncJobsFor = async (type: string, id: string) => Number((await h.pool.query(
  "SELECT count(*) FROM pgboss.job WHERE name LIKE 'sync-%' AND data->>'type' = $1 AND data->>'id' = $2", [type, id])).rows[0].count)

test('when every event of a batch applies, then the batch commits in one go, each event applied with its syncs queued', async () => {
  const { handler, redone } = handlerWithLog()
  const jobs = await deliverAndFetch([
    event('conversation.created', '2024-05-01T09:00:00Z', { conversation_id: 'conv_batch_ok', customer_id: 'cust_batch_ok', customer_name: 'Grace Hopper', channel: 'sms', status: 'open' }),
    event('message.received', '2024-05-01T09:01:00Z', { conversation_id: 'conv_batch_ok', message_id: 'msg_batch_ok', sender: 'customer', content: 'Hi', channel: 'sms' })
  ])
  const results = await handler(jobs)
  assert.deepEqual(results.map((result) => result.status), ['completed', 'completed'])
  assert.equal(redone(), false, 'no event failed, so no second pass')
  assert.equal(await statusOf('conv_batch_ok'), 'applied')
  assert.equal(await statusOf('msg_batch_ok'), 'applied')
  assert.equal(await syncJobsFor('contact', 'cust_batch_ok'), 2)
  assert.equal(await syncJobsFor('message', 'msg_batch_ok'), 2)
})

test('when one event of a batch must wait for its conversation, then it alone waits and the others commit', async () => {
  const { handler, redone } = handlerWithLog()
  const jobs = await deliverAndFetch([
    event('conversation.created', '2024-05-02T09:00:00Z', { conversation_id: 'conv_batch_mixed', customer_id: 'cust_batch_mixed', customer_name: 'Alan Turing', channel: 'sms', status: 'open' }),
    event('message.received', '2024-05-02T09:01:00Z', { conversation_id: 'conv_not_yet', message_id: 'msg_batch_early', sender: 'customer', content: 'Too early', channel: 'sms' }),
    event('message.received', '2024-05-02T09:02:00Z', { conversation_id: 'conv_batch_mixed', message_id: 'msg_batch_fine', sender: 'customer', content: 'Fine', channel: 'sms' })
  ])
  const results = await handler(jobs)
  assert.equal(redone(), true, 'the failed first pass was redone event by event')
  assert.deepEqual(results.map((result) => result.status).sort(), ['completed', 'completed', 'failed'])
  assert.equal(await statusOf('conv_batch_mixed'), 'applied')
  assert.equal(await statusOf('msg_batch_fine'), 'applied')
  assert.equal(await statusOf('msg_batch_early'), 'waiting')
  const mirror = await h.pool.query('SELECT id FROM messages WHERE id = ANY($1::text[]) ORDER BY id', [['msg_batch_early', 'msg_batch_fine']])
  assert.deepEqual(mirror.rows.map((row) => row.id), ['msg_batch_fine'], 'the waiting message left nothing behind')
  assert.equal(await syncJobsFor('message', 'msg_batch_fine'), 2)
  assert.equal(await syncJobsFor('message', 'msg_batch_early'), 0)
  const versions = await h.pool.query("SELECT entity_id FROM entity_versions WHERE entity_type = 'message' AND entity_id = ANY($1::text[])", [['msg_batch_early', 'msg_batch_fine']])
  assert.deepEqual(versions.rows.map((row) => row.entity_id), ['msg_batch_fine'])
})
