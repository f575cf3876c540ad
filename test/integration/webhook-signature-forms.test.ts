import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { sign } from '../../src/receiver/signature.ts'
import { countInbox, countRows, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

// The JSON.stringify signature form (the vendor's Node sample) authenticates a string, not
// the body: many bodies parse to it. Only that string may be stored and deduped, and a body
// whose parse differs from it (a number overflowing to Infinity, written back as null) must
// not pass. Forged requests must stay cheap and never cause a 5xx.
let h: ReceiverHarness
before(async () => { h = await startReceiverHarness() })
after(() => h.close())

const post = (body: string, signature: string) => request(h.app).post('/webhooks/agentclara')
  .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': signature }).send(body)
const rowsFor = (marker: string) => countRows(h.pool, "SELECT count(*) FROM webhook_events WHERE convert_from(raw_body, 'UTF8') LIKE $1", [`%${marker}%`])
const formCount = async (form: string) => {
  const metric = await h.metrics.registry.getSingleMetric('webhook_signature_form_total')?.get()
  return metric?.values.find((value) => value.labels.form === form)?.value ?? 0
}

test('when a stringify-signed delivery with a null is resent with 1e400, 2e400, 1E999 and -7e500 in its place, then it is stored once and the variants get 401', async () => {
  const event = { event: 'appointment.booked', timestamp: '2024-03-15T10:35:00Z', data: { customer_id: 'cust_overflow', customer_name: null, appointment_id: 'apt_overflow', appointment_time: '2024-03-16T14:00:00Z', service: 'Haircut' } }
  const signature = sign(JSON.stringify(event), TEST_SECRET)
  // Sent pretty-printed, so only the stringify form matches.
  const original = JSON.stringify(event, null, 2)
  assert.equal((await post(original, signature)).body.outcome, 'accepted')
  for (const overflow of ['1e400', '2e400', '1E999', '-7e500']) {
    const variant = original.replace('"customer_name": null', `"customer_name": ${overflow}`)
    assert.notEqual(variant, original)
    const res = await post(variant, signature)
    assert.equal(res.status, 401, `${overflow}: ${JSON.stringify(res.body)}`)
  }
  assert.equal(await rowsFor('cust_overflow'), 1)
})

test('when a stringify-signed delivery arrives in several spellings, then one row holds the signed string and every spelling is a duplicate', async () => {
  // Fails its schema (no message_id), so it is quarantined and deduped by its bytes.
  const event = { event: 'message.received', timestamp: '2024-03-15T10:32:00Z', data: { conversation_id: 'conv_spellings', sender: 'customer', content: 'Hi', channel: 'sms' } }
  const signed = JSON.stringify(event)
  const signature = sign(signed, TEST_SECRET)
  const spellings = [
    JSON.stringify(event, null, 2),
    JSON.stringify(event, null, '\t'),
    signed.replace('"Hi"', '"\\u0048\\u0069"'),
    signed.replace('"sms"', '"\\u0073ms"').replaceAll(',', ' , ')
  ]
  const outcomes = []
  for (const body of spellings) outcomes.push((await post(body, signature)).body.outcome)
  assert.deepEqual(outcomes, ['quarantined', 'duplicate', 'duplicate', 'duplicate'])
  const { rows } = await h.pool.query("SELECT raw_body, signature_form FROM webhook_events WHERE convert_from(raw_body, 'UTF8') LIKE '%conv_spellings%'")
  assert.equal(rows.length, 1)
  assert.equal(rows[0].raw_body.toString(), signed, 'the stored bytes are the ones the signature covers')
  assert.equal(rows[0].signature_form, 'json-stringify')
})

test('when deliveries are authenticated, then webhook_signature_form_total counts each form', async () => {
  const raw = await formCount('raw')
  const stringify = await formCount('json-stringify')
  const event = { event: 'conversation.created', timestamp: '2024-03-15T10:30:00Z', data: { conversation_id: 'conv_metric', customer_id: 'cust_metric' } }
  await post(JSON.stringify(event), sign(JSON.stringify(event), TEST_SECRET))
  const event2 = { ...event, data: { ...event.data, conversation_id: 'conv_metric_2' } }
  await post(JSON.stringify(event2, null, 1), sign(JSON.stringify(event2), TEST_SECRET))
  assert.equal(await formCount('raw'), raw + 1)
  assert.equal(await formCount('json-stringify'), stringify + 1)
})

test('when 100,000 nested arrays or 40,000 nested objects arrive with a made-up signature, then 401 and nothing is stored', async () => {
  const rows = await countInbox(h.pool)
  const madeUp = 'ab'.repeat(32)
  for (const body of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000)]) {
    const res = await post(body, madeUp)
    assert.equal(res.status, 401, JSON.stringify(res.body))
    assert.deepEqual(res.body, { error: 'Invalid signature' })
  }
  assert.equal(await countInbox(h.pool), rows)
  assert.equal((await request(h.app).get('/healthz')).status, 200)
})

test('when a signed body is not JSON, then the stored error gives the category and byte offset but no body text', async () => {
  const bodies = ['{"customer_phone": +15551234567}', '{"content": "call me on 5551234567" x}']
  for (const body of bodies) assert.equal((await post(body, sign(body, TEST_SECRET))).body.outcome, 'quarantined')
  const { rows } = await h.pool.query("SELECT error FROM webhook_events WHERE convert_from(raw_body, 'UTF8') = ANY($1) ORDER BY id", [bodies])
  assert.deepEqual(rows.map((row) => row.error), [
    'body is not valid JSON: unexpected character',
    "body is not valid JSON: expected ',' or '}' after property value at byte 36"
  ])
})
