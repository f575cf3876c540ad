import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import request from 'supertest'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { sign } from '../../src/receiver/signature.ts'
import { countInbox, startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

// An HTTP fuzz of the webhook route on a real database: random and mutated bodies, headers,
// content types, encodings, sizes, deep nesting, huge numbers and odd unicode. Invariants:
// never a 5xx (the database is up), never a crash, and a row is stored for exactly the 200s
// that were not duplicates — so nothing unsigned is ever stored.
let h: ReceiverHarness
before(async () => { h = await startReceiverHarness() })
after(() => h.close())

const seed = fc.constantFrom(...seedEventTypes).map((type) => seedEventBody(type))
const mutated = fc.tuple(seed, fc.nat(), fc.nat({ max: 20 }), fc.string({ unit: 'binary', maxLength: 20 }))
  .map(([text, at, cut, insert]) => text.slice(0, at % text.length) + insert + text.slice((at % text.length) + cut))
const nested = fc.integer({ min: 1, max: 120_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth))
// Deep enough to overflow JSON.stringify's recursion (from ~10,000 levels): the stringify
// signature form is tried on every forged request, so it must end in 401, never a 500.
const deepArrays = fc.integer({ min: 10_000, max: 120_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth))
const deepObjects = fc.integer({ min: 10_000, max: 40_000 }).map((depth) => '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth))
const nestedEvent = fc.integer({ min: 1, max: 50_000 }).map((depth) =>
  `{"event":"message.received","timestamp":"2024-03-15T10:32:00Z","data":{"conversation_id":"c","message_id":"m","sender":"x","channel":"sms","content":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`)
const hugeNumbers = fc.constantFrom('1e999999', '-1e400', '123456789012345678901234567890', '0.0000000000000000000001e-999')
  .map((n) => `{"event":"appointment.booked","timestamp":"2024-03-15T10:35:00Z","data":{"customer_id":"c","appointment_id":"a","appointment_time":"2024-03-16T14:00:00Z","service":"s","duration_minutes":${n}}}`)
const oddUnicode = fc.string({ unit: 'binary', maxLength: 200 }).map((text) =>
  JSON.stringify({ event: 'conversation.created', timestamp: '2024-03-15T10:30:00Z', data: { conversation_id: 'c\u0000', customer_id: `u${text}`, customer_name: `\ud800${text}\u0000` } }))
const loneSurrogateEscapes = fc.constant('{"event":"conversation.created","timestamp":"2024-03-15T10:30:00Z","data":{"conversation_id":"c\\ud800","customer_id":"u\\udc00x","customer_name":"\\u0000"}}')
const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes).toString('latin1'))
const oversized = fc.integer({ min: 256 * 1024 + 1, max: 400 * 1024 }).map((size) => `{"pad":"${'x'.repeat(size)}"}`)
const body = fc.oneof(seed, mutated, nested, deepArrays, deepObjects, nestedEvent, hugeNumbers, oddUnicode, loneSurrogateEscapes, randomBytes, oversized, fc.constant(''))

const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/cloudevents+json',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined)
const signature = fc.constantFrom('valid', 'other-secret', 'missing', 'not-hex', 'short', 'valid-uppercase', 'other-body')
const encoding = fc.constantFrom(undefined, undefined, undefined, 'identity', 'gzip', 'br', 'x-unknown')

test('when the webhook route gets arbitrary requests, then it never answers 5xx and stores exactly the signed non-duplicates', async () => {
  await fc.assert(fc.asyncProperty(body, contentType, signature, encoding, async (text, type, how, contentEncoding) => {
    const raw = Buffer.from(text, 'utf8')
    const headers: Record<string, string> = {}
    if (type) headers['Content-Type'] = type
    if (contentEncoding) headers['Content-Encoding'] = contentEncoding
    const good = sign(raw, TEST_SECRET)
    const header = {
      valid: good,
      'valid-uppercase': good.toUpperCase(),
      'other-secret': sign(raw, 'not-the-secret'),
      missing: undefined,
      'not-hex': 'z'.repeat(64),
      short: good.slice(0, 10),
      'other-body': sign(Buffer.concat([raw, Buffer.from(' ')]), TEST_SECRET)
    }[how]
    if (header) headers['X-AgentClara-Signature'] = header

    const rowsBefore = await countInbox(h.pool)
    // A string, not the Buffer: superagent JSON-serialises a Buffer sent as application/json
    // ({"type":"Buffer","data":[…]}), so the route would never see these bytes. `raw` is
    // the UTF-8 of `text`, so the string goes out as exactly those bytes.
    const res = await request(h.app).post('/webhooks/agentclara').set(headers).send(text)
    const rowsAfter = await countInbox(h.pool)

    assert.ok([200, 400, 401, 413, 415].includes(res.status), `unexpected ${res.status}: ${JSON.stringify(res.body)}`)
    const stored = res.status === 200 && res.body.outcome !== 'duplicate' ? 1 : 0
    assert.equal(rowsAfter - rowsBefore, stored, `status ${res.status} ${JSON.stringify(res.body)}`)
    if (stored) assert.ok(['valid', 'valid-uppercase'].includes(how), 'only correctly signed bodies are stored')
  }), { numRuns: 250 })
  assert.equal((await request(h.app).get('/healthz')).status, 200)
})

test('when deeply nested JSON arrives unsigned or with a wrong signature, then it is always a 401 and never stored', async () => {
  const wrong = fc.constantFrom('other-secret', 'made-up', 'other-body')
  await fc.assert(fc.asyncProperty(fc.oneof(deepArrays, deepObjects), wrong, async (text, how) => {
    const raw = Buffer.from(text)
    const header = {
      'other-secret': sign(raw, 'not-the-secret'),
      'made-up': 'ab'.repeat(32),
      'other-body': sign(Buffer.concat([raw, Buffer.from(' ')]), TEST_SECRET)
    }[how]
    const rowsBefore = await countInbox(h.pool)
    const res = await request(h.app).post('/webhooks/agentclara').set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': header }).send(text)
    assert.equal(res.status, 401, `${how} (${raw.length} bytes): ${res.status} ${JSON.stringify(res.body)}`)
    assert.equal(await countInbox(h.pool), rowsBefore)
  }), { numRuns: 30 })
})
