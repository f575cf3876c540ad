import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { FAULT_SECRET, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, deliver } from './support/load.ts'

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

test('when 50 copies of one delivery arrive at once, then there is one inbox row and one apply job', async () => {
  const [conversation] = customerEvents(1, 'dup')[0] ?? []
  assert.ok(conversation)
  const answers = await Promise.all(Array.from({ length: 50 }, () => deliver(stack.receiver.url, conversation.body, FAULT_SECRET)))
  assert.deepEqual(new Set(answers.map((a) => ('status' in a ? a.status : a.error))), new Set([200]))
  const count = async (sql: string) => Number((await stack.pool.query<{ n: string }>(sql)).rows[0]?.n)
  assert.equal(await count("SELECT count(*) AS n FROM webhook_events WHERE payload->'data'->>'conversation_id' = 'dupconv_0'"), 1)
  assert.equal(await count("SELECT count(*) AS n FROM pgboss.job WHERE name = 'apply-event'"), 1)
  console.log('FAULT-REPORT ' + JSON.stringify({ fault: '50 concurrent copies', eventsSent: 50, acknowledged: 50, inboxRows: 1, applyJobs: 1 }))
})
