import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { seedEventBody } from '../../src/events/seed-events.ts'
import { startRetentionJob } from '../../src/lifecycle/retention-job.ts'
import { retentionPolicy } from '../../src/lifecycle/retention-policy.ts'
import { runRetention } from '../../src/lifecycle/run-retention.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createLogger } from '../../src/logger.ts'
import { sign } from '../../src/receiver/signature.ts'
import { APPLY_JOBS_OF_EVENT, countInbox, countRows, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'
import { until } from '../helpers/until.ts'

const ADMIN_TOKEN = 'retention-admin-token-0123456789'
const logger = createLogger({ level: 'silent' })
let h: ReceiverHarness
let agent: ReturnType<typeof request.agent>
let csrf: string

before(async () => {
  h = await startReceiverHarness()
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [{ name: 'hubspot' }], logger })
  agent = request.agent(createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] }))
  const form = await agent.get('/admin/login')
  await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN }).expect(303)
  csrf = csrfOf((await agent.get('/admin/dead-letters')).text)
})
after(() => h.close())

function csrfOf (html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field')
}

const deliver = (body: string) => agent.post('/webhooks/agentclara')
  .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, TEST_SECRET) }).send(body)

/** Delivers `body`, then makes its row `daysOld` days old with `status`; returns the row id. */
async function storedDaysAgo (body: string, daysOld: number, status: string): Promise<string> {
  assert.equal((await deliver(body)).status, 200)
  const { rows } = await h.pool.query<{ id: string }>(`
    UPDATE webhook_events SET received_at = now() - make_interval(days => $1), status = $2
    WHERE id = (SELECT max(id) FROM webhook_events) RETURNING id`, [daysOld, status])
  return rows[0]!.id
}

const row = async (id: string) => (await h.pool.query(
  'SELECT status, payload, raw_body, error, purged_at, purge_reason, dedupe_key FROM webhook_events WHERE id = $1', [id])).rows[0]

const body = (type: 'conversation.created' | 'message.received', suffix: string) => seedEventBody(type).replaceAll('conv_abc123', `conv_${suffix}`)

let old: string
let recent: string
let inFlight: string

test('when retention runs, then settled rows older than RETENTION_DAYS are emptied and newer or in-flight ones are untouched', async () => {
  old = await storedDaysAgo(body('conversation.created', 'old'), 31, 'applied')
  recent = await storedDaysAgo(body('conversation.created', 'recent'), 29, 'applied')
  inFlight = await storedDaysAgo(body('message.received', 'waiting'), 31, 'waiting')
  await h.pool.query('UPDATE webhook_events SET error = \'some error mentioning cust_xyz789\' WHERE id = $1', [old])

  assert.deepEqual(await runRetention(h.pool, retentionPolicy(30)), { emptied: 1, deleted: 0 })
  const emptied = await row(old)
  assert.deepEqual([emptied.payload, emptied.raw_body, emptied.error, emptied.purge_reason, emptied.status], [null, null, null, 'retention', 'applied'])
  assert.ok(emptied.purged_at instanceof Date)
  assert.equal(emptied.dedupe_key.length, 32, 'the dedupe key stays')
  for (const id of [recent, inFlight]) {
    const kept = await row(id)
    assert.equal(kept.purged_at, null)
    assert.ok(kept.payload && kept.raw_body)
  }
})

test('when an emptied event is delivered again, then it is still recognised as a duplicate', async () => {
  const before = await countInbox(h.pool)
  const res = await deliver(body('conversation.created', 'old'))
  assert.deepEqual(res.body, { success: true, outcome: 'duplicate' })
  assert.equal(await countInbox(h.pool), before)
})

test('when an emptied event is replayed, then the replay is refused with a message saying why', async () => {
  const res = await agent.post(`/admin/replay/event/${old}`).type('form').send({ _csrf: csrf, return_to: `/admin/deliveries/${old}` })
  assert.equal(res.status, 303)
  const page = await agent.get(`/admin/deliveries/${old}`)
  assert.match(page.text, /class="flash error"[^>]*>Nothing replayed: delivery \d+ was emptied by the retention policy/)
  assert.match(page.text, /Emptied [^<]* by the retention policy/)
  assert.doesNotMatch(page.text, /Replay this delivery/)
  assert.equal((await row(old)).status, 'applied')
  assert.equal(await countRows(h.pool, APPLY_JOBS_OF_EVENT, [old]), 1, 'only the job from its first delivery')
})

test('when an emptied row is older than the key horizon, then it is deleted with its key', async () => {
  await h.pool.query('UPDATE webhook_events SET received_at = now() - interval \'91 days\' WHERE id = $1', [old])
  assert.deepEqual(await runRetention(h.pool, retentionPolicy(30)), { emptied: 0, deleted: 1 })
  assert.equal(await row(old), undefined)
  assert.equal((await row(recent)).purged_at, null)
})

test('when the retention job starts, then it records its policy and a run, which the dashboard shows', async () => {
  const job = await startRetentionJob({ pool: h.pool, boss: h.boss, logger, retentionDays: 45 })
  try {
    const run = await until(async () => (await h.pool.query('SELECT * FROM retention_runs ORDER BY id DESC LIMIT 1')).rows[0],
      (r) => r?.finished_at instanceof Date, { what: 'a finished retention run' })
    assert.deepEqual([run.retention_days, run.key_days, run.error], [45, 90, null])
    const page = await agent.get('/admin/data')
    assert.match(page.text, /payloads and raw bodies are emptied after <strong>45 days<\/strong>/)
    assert.match(page.text, /Last run/)
  } finally {
    await job.stop()
  }
})
