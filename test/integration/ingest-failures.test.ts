import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createBoss } from '../../src/db/boss.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { seedEventBody } from '../../src/events/seed-events.ts'
import { createMetrics } from '../../src/metrics.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createInbox } from '../../src/receiver/inbox.ts'
import { sign } from '../../src/receiver/signature.ts'
import { freePort } from '../../src/db/free-port.ts'
import { countQueuedApplyEvents, countInbox } from '../helpers/receiver-harness.ts'
import { until } from '../helpers/until.ts'
import { testLogger } from '../helpers/test-logger.ts'

// This file stops and restarts PostgreSQL, so it runs its own private cluster.
const secret = 'failure-secret'
let postgres: RunningPostgres
let port: number
const dataDir = join(tmpdir(), `agentclara-failures-${randomUUID()}`)
const logger = testLogger()
let pool: ReturnType<typeof createPool>
let boss: ReturnType<typeof createBoss>
let app: ReturnType<typeof createApp>

const startPostgres = async () => startEmbeddedPostgres({ dataDir, port, persistent: true, settings: { fsync: 'off' } })

before(async () => {
  port = await freePort()
  postgres = await startPostgres()
  await runMigrations(postgres.url)
  pool = createPool({ connectionString: postgres.url, logger })
  boss = createBoss({ connectionString: postgres.url, logger })
  await boss.start()
  await ensureQueues(boss, [])
  app = createApp({ pool, webhook: { inbox: createInbox({ pool, boss }), secrets: [secret] }, logger, metrics: createMetrics({ defaultMetrics: false }) })
})

after(async () => {
  await boss.stop({ graceful: false })
  await pool.end()
  await postgres.stop()
  await rm(dataDir, { recursive: true, force: true })
})

const deliver = (body: string) => request(app).post('/webhooks/agentclara')
  .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, secret) }).send(body)

test('when the enqueue fails after the inbox insert, then the transaction leaves neither row nor job, and the sender gets 503', async () => {
  const rows = await countInbox(pool)
  const jobs = await countQueuedApplyEvents(pool)
  // A real database failure at the enqueue step: pg-boss's job insert raises.
  await pool.query(`
    CREATE FUNCTION fail_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected enqueue failure'; END $$;
    CREATE TRIGGER fail_enqueue BEFORE INSERT ON pgboss.job FOR EACH ROW EXECUTE FUNCTION fail_enqueue();`)
  try {
    const res = await deliver(seedEventBody('conversation.created'))
    assert.equal(res.status, 503)
    assert.equal(res.headers['retry-after'], '5')
    assert.equal(await countInbox(pool), rows)
    assert.equal(await countQueuedApplyEvents(pool), jobs)
  } finally {
    await pool.query('DROP TRIGGER fail_enqueue ON pgboss.job; DROP FUNCTION fail_enqueue();')
  }
  const retried = await deliver(seedEventBody('conversation.created'))
  assert.equal(retried.status, 200)
  assert.equal(retried.body.outcome, 'accepted', 'the failed attempt left no row behind to make this a duplicate')
  assert.equal(await countQueuedApplyEvents(pool), jobs + 1)
})

test('when PostgreSQL is down, then deliveries get 503 with Retry-After and the process recovers by itself when it returns', async () => {
  await postgres.stop()
  const body = seedEventBody('message.received')
  const down = await deliver(body)
  assert.equal(down.status, 503)
  assert.equal(down.headers['retry-after'], '5')
  assert.match(down.body.error, /retry later/)
  assert.equal((await request(app).get('/readyz')).status, 503)
  assert.equal((await request(app).get('/healthz')).status, 200, 'the process itself stays up')

  postgres = await startPostgres()
  const recovered = await until(() => deliver(body), (res) => res.status === 200)
  assert.equal(recovered.body.outcome, 'accepted', 'nothing was stored while down')
  assert.equal((await request(app).get('/readyz')).status, 200)
})

test('when PostgreSQL stops while deliveries are in flight, then the process survives, each gets 200 or 503, and every 200 is stored', async () => {
  const load = { running: true }
  const answers: Array<{ status: number, body: string }> = []
  let n = 0
  const loops = Array.from({ length: 8 }, async () => {
    while (load.running) {
      const body = JSON.stringify({ event: 'conversation.created', timestamp: '2024-03-15T10:30:00Z', data: { conversation_id: `conv_inflight_${n}`, customer_id: `cust_inflight_${n++}` } })
      const res = await deliver(body)
      answers.push({ status: res.status, body })
    }
  })
  await until(() => answers.length, (count) => count >= 50)
  await postgres.stop()
  await until(() => answers.filter((a) => a.status === 503).length, (count) => count >= 20)
  postgres = await startPostgres()
  await until(() => answers.slice(-5).every((a) => a.status === 200) && answers.length > 0, Boolean, { timeoutMs: 30_000 })
  load.running = false
  await Promise.all(loops)
  assert.deepEqual([...new Set(answers.map((a) => a.status))].sort(), [200, 503])
  const acknowledged = answers.filter((a) => a.status === 200).map((a) => JSON.parse(a.body).data.conversation_id)
  const { rows } = await pool.query("SELECT payload->'data'->>'conversation_id' AS id FROM webhook_events WHERE payload->'data'->>'conversation_id' LIKE 'conv_inflight_%'")
  const stored = new Set(rows.map((row) => row.id))
  assert.deepEqual(acknowledged.filter((id) => !stored.has(id)), [], 'every acknowledged delivery is stored')
})
