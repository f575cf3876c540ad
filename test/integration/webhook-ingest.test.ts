import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { sign } from '../../src/receiver/signature.ts'
import { countQueuedApplyEvents, countInbox, countRows, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

let h: ReceiverHarness
before(async () => { h = await startReceiverHarness({ secrets: [TEST_SECRET, 'old-secret'] }) })
after(() => h.close())

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  request(h.app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', ...headers }).send(body.toString())
const signed = (body: string, secret = TEST_SECRET) => post(body, { 'X-AgentClara-Signature': sign(body, secret) })
const uniqueEvent = (n: number) => JSON.stringify({ event: 'message.received', timestamp: '2024-03-15T10:32:00Z', data: { conversation_id: 'conv_x', message_id: `msg_unique_${n}`, sender: 'customer', content: 'hi', channel: 'sms' } })

test('when each seed event is delivered signed, then it is answered 200 and stored with one apply job', async () => {
  const before = await countQueuedApplyEvents(h.pool)
  const bodies = seedEventTypes.map((type) => seedEventBody(type))
  for (const body of bodies) {
    const res = await signed(body)
    assert.equal(res.status, 200, body)
    assert.deepEqual(res.body, { success: true, outcome: 'accepted' })
  }
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM webhook_events WHERE status = 'received' AND raw_body = ANY($1)", [bodies.map((body) => Buffer.from(body))]), 5)
  assert.equal(await countQueuedApplyEvents(h.pool) - before, 5)
})

test('when the raw body is stored, then it is byte-identical to what was signed', async () => {
  const body = seedEventBody('appointment.booked').replace('Haircut', 'Beard trim')
  await signed(body)
  const { rows } = await h.pool.query("SELECT raw_body, signature_form FROM webhook_events WHERE payload->'data'->>'service' = 'Beard trim'")
  assert.equal(rows[0].raw_body.toString(), body)
  assert.equal(rows[0].signature_form, 'raw')
})

test('when the sender signed JSON.stringify(body) like the vendor Node sample, then it is accepted', async () => {
  const body = seedEventBody('conversation.updated').replace('satisfied', 'compat')
  const res = await post(body, { 'X-AgentClara-Signature': sign(JSON.stringify(JSON.parse(body)), TEST_SECRET) })
  assert.equal(res.status, 200)
  const { rows } = await h.pool.query("SELECT signature_form FROM webhook_events WHERE payload::text LIKE '%compat%'")
  assert.equal(rows[0].signature_form, 'json-stringify')
})

test('when signed with the previous secret during rotation, then it is accepted', async () => {
  assert.equal((await signed(uniqueEvent(900), 'old-secret')).status, 200)
})

test('when the signature is missing or wrong, then 401 and nothing is stored', async () => {
  const rows = await countInbox(h.pool)
  const body = uniqueEvent(1)
  const missing = await post(body)
  assert.equal(missing.status, 401)
  assert.match(missing.body.error, /Missing X-AgentClara-Signature/)
  const wrong = await signed(body, 'not-the-secret')
  assert.equal(wrong.status, 401)
  assert.deepEqual(wrong.body, { error: 'Invalid signature' })
  assert.equal((await post(body, { 'X-AgentClara-Signature': 'nothex' })).status, 401)
  assert.equal(await countInbox(h.pool), rows)
})

test('when the body is larger than 256 KiB, then 413 and nothing is stored', async () => {
  const rows = await countInbox(h.pool)
  const big = JSON.stringify({ event: 'message.received', timestamp: '2024-03-15T10:32:00Z', data: { content: 'x'.repeat(1024 * 1024) } })
  const res = await signed(big)
  assert.equal(res.status, 413)
  assert.match(res.body.error, /256 KiB/)
  assert.equal(await countInbox(h.pool), rows)
})

test('when the content type is not JSON, then 415 and nothing is stored', async () => {
  const rows = await countInbox(h.pool)
  const body = uniqueEvent(2)
  const res = await request(h.app).post('/webhooks/agentclara').set('Content-Type', 'text/plain').set('X-AgentClara-Signature', sign(body, TEST_SECRET)).send(body)
  assert.equal(res.status, 415)
  assert.match(res.body.error, /application\/json/)
  assert.equal(await countInbox(h.pool), rows)
})

test('when a signed body is not JSON or fails its schema, then 200 and it is quarantined with the reason, without an apply job', async () => {
  const jobs = await countQueuedApplyEvents(h.pool)
  const notJson = '{"event": "message.received", "timestamp": '
  const badSchema = JSON.stringify({ event: 'appointment.booked', timestamp: '2024-03-15T10:35:00Z', data: { customer_id: 'c1' } })
  for (const body of [notJson, badSchema, '']) {
    const res = await signed(body)
    assert.equal(res.status, 200)
    assert.equal(res.body.outcome, 'quarantined')
  }
  const { rows } = await h.pool.query("SELECT error, raw_body FROM webhook_events WHERE status = 'quarantined' AND raw_body = ANY($1) ORDER BY id",
    [[notJson, badSchema, ''].map((body) => Buffer.from(body))])
  assert.equal(rows.length, 3)
  assert.match(rows[0].error, /not valid JSON/)
  assert.match(rows[1].error, /data\.appointment_id/)
  assert.equal(rows[0].raw_body.toString(), notJson)
  assert.equal(await countQueuedApplyEvents(h.pool), jobs)
})

test('when the event type is unknown, then 200 and it is stored as ignored without an apply job', async () => {
  const jobs = await countQueuedApplyEvents(h.pool)
  const res = await signed(JSON.stringify({ event: 'call.completed', timestamp: '2024-03-15T10:30:00Z', data: { call_id: 'c1' } }))
  assert.equal(res.status, 200)
  assert.equal(res.body.outcome, 'ignored')
  assert.equal(await countRows(h.pool, "SELECT count(*) FROM webhook_events WHERE status = 'ignored' AND event_type = 'call.completed'"), 1)
  assert.equal(await countQueuedApplyEvents(h.pool), jobs)
})

test('when the same delivery is repeated sequentially (even re-spaced), then 200 each time, one row and one job', async () => {
  const body = uniqueEvent(3)
  const rows = await countInbox(h.pool)
  const jobs = await countQueuedApplyEvents(h.pool)
  assert.equal((await signed(body)).body.outcome, 'accepted')
  assert.equal((await signed(body)).body.outcome, 'duplicate')
  assert.equal((await signed(JSON.stringify(JSON.parse(body), null, 2))).body.outcome, 'duplicate')
  assert.equal(await countInbox(h.pool), rows + 1)
  assert.equal(await countQueuedApplyEvents(h.pool), jobs + 1)
})

test('when 20 identical deliveries arrive concurrently, then all get 200, with exactly one row and one job', async () => {
  const body = uniqueEvent(4)
  const rows = await countInbox(h.pool)
  const jobs = await countQueuedApplyEvents(h.pool)
  const responses = await Promise.all(Array.from({ length: 20 }, () => signed(body)))
  assert.deepEqual(responses.map((res) => res.status), Array(20).fill(200))
  assert.equal(responses.filter((res) => res.body.outcome === 'accepted').length, 1)
  assert.equal(await countInbox(h.pool), rows + 1)
  assert.equal(await countQueuedApplyEvents(h.pool), jobs + 1)
})

test('when /healthz and /readyz are asked, then both are ok', async () => {
  assert.equal((await request(h.app).get('/healthz')).status, 200)
  assert.deepEqual((await request(h.app).get('/readyz')).body, { status: 'ready' })
})

test('when a signed event nests JSON too deeply to canonicalise, then 200 and it is quarantined, not a crash', async () => {
  const depth = 60_000
  const body = `{"event":"message.received","timestamp":"2024-03-15T10:32:00Z","data":{"conversation_id":"c","message_id":"deep","sender":"x","channel":"sms","content":"x","extra":${'['.repeat(depth)}${']'.repeat(depth)}}}`
  const res = await signed(body)
  assert.equal(res.status, 200)
  assert.equal(res.body.outcome, 'quarantined')
  const { rows } = await h.pool.query("SELECT error FROM webhook_events WHERE status = 'quarantined' AND error LIKE '%too deeply%'")
  assert.equal(rows.length, 1)
})

test('when a signed event carries NUL characters and lone surrogates, then it is accepted and stored (the raw bytes exactly)', async () => {
  const body = '{"event":"message.received","timestamp":"2024-03-15T10:32:00Z","data":{"conversation_id":"c","message_id":"msg_nul","sender":"x","channel":"sms","content":"a\\u0000b\\ud800c"}}'
  const res = await signed(body)
  assert.equal(res.status, 200)
  assert.equal(res.body.outcome, 'accepted')
  const { rows } = await h.pool.query("SELECT raw_body, payload->'data'->>'content' AS content FROM webhook_events WHERE payload->'data'->>'message_id' = 'msg_nul'")
  assert.equal(rows[0].raw_body.toString(), body)
  assert.equal(rows[0].content, 'a\uFFFDb\uFFFDc')
})
