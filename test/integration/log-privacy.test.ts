import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PassThrough } from 'node:stream'
import request from 'supertest'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { sign } from '../../src/receiver/signature.ts'
import { startSyncHarness, SYNC_SECRET, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// Everything the service logs at the most verbose level, while the seed events flow all the
// way to both CRMs, must hold no secret, signature, phone number or message content.
const captured: string[] = []
const stream = new PassThrough()
stream.on('data', (chunk: Buffer) => captured.push(chunk.toString()))
let h: SyncHarness
before(async () => { h = await startSyncHarness({ logStream: stream }) })
after(() => h.close())

test('when deliveries (good, bad, malformed) flow to the CRMs with trace logging, then no PII or secret appears in the logs', async () => {
  for (const type of seedEventTypes) await h.deliver(seedEventBody(type))
  const body = seedEventBody('message.received')
  const forged = sign(body, 'attacker-secret')
  const rejected = await request(h.app).post('/webhooks/agentclara')
    .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': forged }).send(body)
  assert.equal(rejected.status, 401)
  await h.deliver('{"customer_phone": "+15551234567", "content": "Can I reschedule my appointment?"')
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE status = 'synced'")).rows[0].n, (n) => n >= 6, { what: 'seed synced' })
  const logs = captured.join('')
  assert.ok(logs.includes('delivery stored'), 'the logs were captured')
  for (const secret of [SYNC_SECRET, sign(body, SYNC_SECRET), forged, '+15551234567', '5551234567', 'Can I reschedule my appointment?', h.hubspot.accessToken, h.salesforce.clientSecret]) {
    assert.ok(!logs.includes(secret), `logs contain ${secret.slice(0, 12)}…`)
  }
})
