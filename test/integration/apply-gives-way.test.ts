import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { createLogger } from '../../src/logger.ts'
import { APPLY_QUEUE, eventsOf, type ApplyJob } from '../../src/mirror/apply-queue.ts'
import { applyLagMs } from '../../src/mirror/apply-lag.ts'
import { createApplyHandler } from '../../workers/apply-worker.ts'
import { createGiveWayToDeliveries } from '../../workers/give-way-to-deliveries.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'

// The workers are stopped, so the deliveries' apply jobs wait: the apply worker is behind.
let h: SyncHarness
before(async () => {
  h = await startSyncHarness()
  await h.stopWorkers()
})
after(() => h.close())

const conversation = (id: string) => JSON.stringify({ event: 'conversation.created', timestamp: '2024-06-01T09:00:00Z', data: { conversation_id: `conv_${id}`, customer_id: `cust_${id}`, customer_name: 'Ada Lovelace', channel: 'sms', status: 'open' } })

/** A give-way whose rests are recorded instead of waited, counting deliveries over a minute. */
function recordingGiveWay (behindMs: number) {
  const rests: number[] = []
  const giveWay = createGiveWayToDeliveries({ pool: h.pool, options: { behindMs, windowMs: 60_000, maxRestMs: 50 }, rest: async (ms) => { rests.push(ms) } })
  return { giveWay, rests }
}

/** Polls until the oldest waiting apply job has waited `ms` (the database's clock). */
async function behindBy (ms: number): Promise<void> {
  const deadline = performance.now() + 10_000
  while (await applyLagMs(h.pool) < ms) {
    assert.ok(performance.now() < deadline, `the apply worker never read as ${ms} ms behind`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

test('when the apply worker is behind and deliveries outpace it, then it rests after a batch as long as the batch took, bounded', async () => {
  for (let i = 0; i < 6; i++) assert.equal((await h.deliver(conversation(`burst_${i}`))).status, 200)
  await behindBy(200)
  const { giveWay, rests } = recordingGiveWay(200)
  // Six deliveries in the last minute (0.1 a second) against one event in 20 s (0.05 a second).
  await giveWay({ events: 1, batchMs: 20_000 })
  assert.deepEqual(rests, [50], 'rested, for the batch\'s time bounded by maxRestMs')
  // The same worker, ten times faster than the door: it goes flat out through its backlog.
  await giveWay({ events: 100, batchMs: 1000 })
  assert.deepEqual(rests, [50])
})

test('when the apply worker keeps up, then it never rests, however the door reads', async () => {
  const { giveWay, rests } = recordingGiveWay(60_000)
  await giveWay({ events: 1, batchMs: 20_000 })
  assert.deepEqual(rests, [])
})

test('when the give-way cannot read the database, then it resolves without a rest: the committed batch is not failed for it', async () => {
  // Nothing listens on port 1: every query fails to connect.
  const closed = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 1000 })
  const rests: number[] = []
  const giveWay = createGiveWayToDeliveries({ pool: closed, options: { behindMs: 0 }, rest: async (ms) => { rests.push(ms) } })
  await giveWay({ events: 1, batchMs: 20_000 })
  assert.deepEqual(rests, [])
  await closed.end()
})

test('when the apply handler has committed a batch, then it hands the give-way its events and time, the events already applied', async () => {
  assert.equal((await h.deliver(conversation('handed'))).status, 200)
  const jobs = await h.boss.fetch<ApplyJob>(APPLY_QUEUE, { batchSize: 50, includeMetadata: true })
  const events = jobs.reduce((sum, job) => sum + eventsOf(job.data).length, 0)
  const handed: Array<{ events: number, batchMs: number, applied: number }> = []
  const handler = createApplyHandler({
    pool: h.pool,
    boss: h.boss,
    crms: ['hubspot', 'salesforce'],
    logger: createLogger({ level: 'silent' }),
    giveWay: async (batch) => {
      const { rows: [row] } = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_events WHERE status = 'applied'")
      handed.push({ ...batch, applied: row?.n ?? 0 })
    }
  })
  const results = await handler(jobs)
  assert.ok(results.every((result) => result.status === 'completed'))
  assert.equal(handed.length, 1)
  assert.equal(handed[0]?.events, events)
  assert.ok((handed[0]?.batchMs ?? 0) > 0)
  assert.equal(handed[0]?.applied, events, 'every event of the batch was committed before the worker could rest')
})
