import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import type { JobWithMetadata } from 'pg-boss'
import { createLogger } from '../../src/logger.ts'
import { APPLY_QUEUE, applyJobsFor, eventsOf, type ApplyJob } from '../../src/mirror/apply-queue.ts'
import { createApplyHandler } from '../../workers/apply-worker.ts'
import { APPLY_JOBS_OF_EVENT, countRows } from '../helpers/receiver-harness.ts'
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

/**
 * Delivers the bodies and hands their events to the handler as the worker would fetch
 * them: in one job naming them all, as one group commit queues them (`shared`), or in a
 * job each of the shape a retry has (`retries`).
 */
async function deliverAndFetch (bodies: string[], shape: 'shared' | 'retries'): Promise<Array<JobWithMetadata<ApplyJob>>> {
  for (const body of bodies) assert.equal((await h.deliver(body)).status, 200)
  const queued = await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50 })
  const events = queued.flatMap((job) => eventsOf(job.data))
  assert.equal(events.length, bodies.length, 'every delivery\'s event queued once')
  await h.boss.deleteJob(APPLY_QUEUE, queued.map((job) => job.id))
  await h.boss.insert(APPLY_QUEUE, shape === 'shared' ? applyJobsFor(events) : events.map((event) => ({ data: { eventId: event.id } })))
  return await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50, includeMetadata: true })
}

/** A conversation, a message in it (`msg_<tag>_fine`), and one in a conversation not received yet (`msg_<tag>_early`). */
const oneWaitsAmongTwo = (tag: string, day: string) => [
  event('conversation.created', `${day}T09:00:00Z`, { conversation_id: `conv_${tag}_mixed`, customer_id: `cust_${tag}_mixed`, customer_name: 'Alan Turing', channel: 'sms', status: 'open' }),
  event('message.received', `${day}T09:01:00Z`, { conversation_id: `conv_${tag}_not_yet`, message_id: `msg_${tag}_early`, sender: 'customer', content: 'Too early', channel: 'sms' }),
  event('message.received', `${day}T09:02:00Z`, { conversation_id: `conv_${tag}_mixed`, message_id: `msg_${tag}_fine`, sender: 'customer', content: 'Fine', channel: 'sms' })
]

const statusOf = async (messageOrConversation: string) => (await h.pool.query<{ status: string }>(
  "SELECT status FROM webhook_events WHERE payload->'data'->>'message_id' = $1 OR (payload->>'event' = 'conversation.created' AND payload->'data'->>'conversation_id' = $1)",
  [messageOrConversation])).rows[0]?.status

const syncJobsFor = async (type: string, id: string) => Number((await h.pool.query(
  "SELECT count(*) FROM pgboss.job WHERE name LIKE 'sync-%' AND data->>'type' = $1 AND data->>'id' = $2", [type, id])).rows[0].count)

test('when every event of a shared job applies, then the batch commits in one go, each event applied with its syncs queued', async () => {
  const { handler, redone } = handlerWithLog()
  const jobs = await deliverAndFetch([
    event('conversation.created', '2024-05-01T09:00:00Z', { conversation_id: 'conv_batch_ok', customer_id: 'cust_batch_ok', customer_name: 'Grace Hopper', channel: 'sms', status: 'open' }),
    event('message.received', '2024-05-01T09:01:00Z', { conversation_id: 'conv_batch_ok', message_id: 'msg_batch_ok', sender: 'customer', content: 'Hi', channel: 'sms' })
  ], 'shared')
  assert.equal(jobs.length, 1)
  const results = await handler(jobs)
  assert.deepEqual(results.map((result) => result.status), ['completed'])
  assert.equal(redone(), false, 'no event failed, so no second pass')
  assert.equal(await statusOf('conv_batch_ok'), 'applied')
  assert.equal(await statusOf('msg_batch_ok'), 'applied')
  assert.equal(await syncJobsFor('contact', 'cust_batch_ok'), 2)
  assert.equal(await syncJobsFor('message', 'msg_batch_ok'), 2)
})

test('when one event of a batch of retries must wait for its conversation, then it alone waits (its job fails, for pg-boss to retry) and the others commit', async () => {
  const { handler, redone } = handlerWithLog()
  const jobs = await deliverAndFetch(oneWaitsAmongTwo('batch', '2024-05-02'), 'retries')
  const results = await handler(jobs)
  assert.equal(redone(), false, 'waiting wrote nothing: no rollback, no second pass')
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

test('when one event of a shared job must wait for its conversation, then the job completes and that event is retried in a job of its own', async () => {
  const { handler, redone } = handlerWithLog()
  const jobs = await deliverAndFetch(oneWaitsAmongTwo('shared', '2024-05-03'), 'shared')
  const before = Date.now()
  const results = await handler(jobs)
  assert.equal(redone(), false)
  assert.deepEqual(results.map((result) => result.status), ['completed'], 'the shared job is done: its waiting event moved on')
  assert.equal(await statusOf('msg_shared_fine'), 'applied')
  assert.equal(await statusOf('msg_shared_early'), 'waiting')
  const { rows: [early] } = await h.pool.query<{ id: string }>("SELECT id FROM webhook_events WHERE payload->'data'->>'message_id' = 'msg_shared_early'")
  const retries = await h.pool.query<{ data: ApplyJob, start_after: Date }>(
    "SELECT data, start_after FROM pgboss.job WHERE name = 'apply-event' AND state = 'created' AND data->>'eventId' = $1", [early!.id])
  assert.equal(await countRows(h.pool, APPLY_JOBS_OF_EVENT, [early!.id]), 2, 'the shared job it was in, and its retry')
  assert.deepEqual(retries.rows.map((row) => row.data), [{ eventId: early!.id }], 'one retry job, for the waiting event alone')
  assert.ok(retries.rows[0]!.start_after.getTime() >= before + 500, 'retried after the queue\'s first backoff, not at once')
})

test('when a message was stored before its conversation and both are in one batch, then both apply without waiting', async () => {
  const { handler } = handlerWithLog()
  const jobs = await deliverAndFetch([
    event('message.received', '2024-05-04T09:01:00Z', { conversation_id: 'conv_inverted', message_id: 'msg_inverted', sender: 'customer', content: 'First in line', channel: 'sms' }),
    event('conversation.created', '2024-05-04T09:00:00Z', { conversation_id: 'conv_inverted', customer_id: 'cust_inverted', customer_name: 'Barbara Liskov', channel: 'sms', status: 'open' })
  ], 'shared')
  assert.deepEqual((await handler(jobs)).map((result) => result.status), ['completed'])
  assert.equal(await statusOf('msg_inverted'), 'applied', 'its conversation came later in the same batch: one more go found it')
  assert.equal(await statusOf('conv_inverted'), 'applied')
  const { rows: [message] } = await h.pool.query<{ id: string }>("SELECT id FROM webhook_events WHERE payload->'data'->>'message_id' = 'msg_inverted'")
  assert.equal(await countRows(h.pool, APPLY_JOBS_OF_EVENT, [message!.id]), 1, 'no retry job')
})

test('when one event of a shared job fails in the database, then the batch is redone event by event: it alone rolls back and retries, the others commit', async () => {
  const { handler, redone } = handlerWithLog()
  for (const body of [
    event('conversation.created', '2024-05-05T09:00:00Z', { conversation_id: 'conv_broken', customer_id: 'cust_broken', customer_name: 'Ken Thompson', channel: 'sms', status: 'open' }),
    event('appointment.booked', '2024-05-05T09:05:00Z', { appointment_id: 'apt_broken', customer_id: 'cust_broken', customer_name: 'Ken Thompson', customer_phone: '+15550001111', conversation_id: 'conv_broken', appointment_time: '2024-05-06T10:00:00Z', service: 'Haircut' }),
    event('message.received', '2024-05-05T09:06:00Z', { conversation_id: 'conv_broken', message_id: 'msg_broken_fine', sender: 'customer', content: 'See you', channel: 'sms' })
  ]) assert.equal((await h.deliver(body)).status, 200)
  // A stored payload PostgreSQL refuses to apply (the schema would not let one in; this
  // stands for any error of the event's own, e.g. a constraint).
  await h.pool.query("UPDATE webhook_events SET payload = jsonb_set(payload, '{data,appointment_time}', '\"not a time\"') WHERE payload->'data'->>'appointment_id' = 'apt_broken'")
  const queued = await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50 })
  await h.boss.deleteJob(APPLY_QUEUE, queued.map((job) => job.id))
  await h.boss.insert(APPLY_QUEUE, applyJobsFor(queued.flatMap((job) => eventsOf(job.data))))
  const jobs = await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50, includeMetadata: true })

  assert.deepEqual((await handler(jobs)).map((result) => result.status), ['completed'])
  assert.equal(redone(), true, 'the first pass rolled back, the second went event by event')
  assert.equal(await statusOf('conv_broken'), 'applied')
  assert.equal(await statusOf('msg_broken_fine'), 'applied')
  const { rows: [broken] } = await h.pool.query<{ id: string, status: string, error: string }>(
    "SELECT id, status, error FROM webhook_events WHERE payload->'data'->>'appointment_id' = 'apt_broken'")
  assert.equal(broken?.status, 'received', 'to be retried')
  assert.match(broken?.error ?? '', /not a time/)
  assert.equal((await h.pool.query("SELECT count(*)::int AS n FROM appointments WHERE id = 'apt_broken'")).rows[0].n, 0, 'rolled back alone')
  assert.equal((await h.pool.query("SELECT count(*)::int AS n FROM messages WHERE id = 'msg_broken_fine'")).rows[0].n, 1)
  const retry = await h.pool.query("SELECT data FROM pgboss.job WHERE name = 'apply-event' AND state = 'created' AND data->>'eventId' = $1", [broken!.id])
  assert.equal(retry.rows.length, 1, 'retried in a job of its own')
})
