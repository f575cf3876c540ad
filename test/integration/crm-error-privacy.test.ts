import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PassThrough } from 'node:stream'
import request from 'supertest'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// A CRM's validation error can quote the value we sent. Here a HubSpot admin changes
// agentclara_last_message to a number property after we were set up, so HubSpot rejects the
// contact and quotes the customer's message (with a phone number and an email in it) back.
const captured: string[] = []
const stream = new PassThrough()
stream.on('data', (chunk: Buffer) => captured.push(chunk.toString()))
let h: SyncHarness
before(async () => {
  h = await startSyncHarness({ logStream: stream })
  const changed = await request(h.hubspot.app).patch('/crm/v3/properties/contacts/agentclara_last_message').set('Authorization', `Bearer ${h.hubspot.accessToken}`)
    .send({ type: 'number', fieldType: 'number' })
  assert.equal(changed.status, 200)
})
after(() => h.close())

const content = 'Call me on +1 555 123 4567 or write to jane.doe@example.com'

test('when a CRM error quotes a submitted phone number, email or message, then crm_records, the job output and the logs hold it masked', async () => {
  const event = (type: string, data: object) => JSON.stringify({ event: type, timestamp: '2024-03-15T10:32:00Z', data })
  assert.equal((await h.deliver(event('conversation.created', { conversation_id: 'conv_echo', customer_id: 'cust_echo', customer_name: 'Jane Doe', channel: 'sms' }))).status, 200)
  assert.equal((await h.deliver(event('message.received', { conversation_id: 'conv_echo', message_id: 'msg_echo', sender: 'customer', content, channel: 'sms' }))).status, 200)

  const { last_error: error } = await until(async () => (await h.pool.query(
    "SELECT last_error FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = 'cust_echo' AND last_error LIKE '%INVALID_INTEGER%'")).rows[0],
  (row) => row !== undefined, { what: 'the contact failed in HubSpot' })
  assert.match(error, /\[hidden\] is not a valid number for agentclara_last_message/, 'the error still says what is wrong')

  // pg-boss writes the job's output after the handler has recorded and logged the failure.
  const outputs = await until(async () => (await h.pool.query<{ output: string }>(
    "SELECT output::text AS output FROM pgboss.job WHERE name = 'sync-hubspot' AND output::text LIKE '%INVALID_INTEGER%'")).rows,
  (rows) => rows.length > 0, { what: 'the failed job kept the (masked) error' })
  const logs = captured.join('')
  assert.ok(logs.includes('sync: some records failed'), 'the failure was logged')
  for (const [where, text] of [['crm_records.last_error', error], ['job output', outputs.map((row) => row.output).join('\n')], ['logs', logs]]) {
    for (const pii of ['555 123 4567', '5551234567', 'jane.doe', 'example.com', 'Call me on']) {
      assert.ok(!(text as string).includes(pii), `${where} contains ${pii}`)
    }
  }
})
