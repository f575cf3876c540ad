import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitForCrms } from './support/crm-tally.ts'
import { FAULT_SECRET, report, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, runLoad, whenAcknowledged } from './support/load.ts'

const CUSTOMERS = 400
const DOWN_MS = 10_000

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

test('when PostgreSQL is stopped for 10 s under load, then the receiver answers 503 (never 200) meanwhile, recovers without a restart, and every acknowledged delivery reaches the CRMs', { timeout: 240_000 }, async () => {
  const events = customerEvents(CUSTOMERS)
  const third = whenAcknowledged(1 / 3)
  const load = runLoad({
    events,
    target: () => stack.receiver.url,
    secret: FAULT_SECRET,
    concurrency: 8,
    retryMs: 200,
    onAck: third.onAck
  })
  await third.reached
  await stack.cluster.stop()
  const downFrom = Date.now()
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS)) // the outage itself, not a wait for a condition
  const downUntil = Date.now()
  await stack.cluster.start()

  const stats = await load
  const duringOutage = stats.log.filter((entry) => entry.sentAt >= downFrom && entry.doneAt <= downUntil)
  const outageOutcomes = Object.fromEntries([...new Set(duringOutage.map((e) => e.outcome))].map((o) => [o, duringOutage.filter((e) => e.outcome === o).length]))
  const tally = await waitForCrms(stack.sandboxes.hubspot, stack.sandboxes.salesforce, CUSTOMERS, 180_000)
  const stored = await stack.storedEventIds()
  const lostAcked = [...stats.acknowledged].filter((id) => !stored.has(id))
  report('PostgreSQL down 10 s', {
    eventsSent: stats.events,
    attempts: stats.attempts,
    acknowledged: stats.acknowledged.size,
    outcomes: Object.fromEntries(stats.byOutcome),
    answersDuringOutage: outageOutcomes,
    crmExpected: tally.expected,
    crmSynced: tally.synced,
    lost: tally.missing + lostAcked.length,
    duplicated: tally.duplicated,
    receiverRestarted: stack.receiver.child.exitCode !== null,
    workerExited: stack.worker.child.exitCode ?? stack.worker.child.signalCode
  })
  assert.ok(duringOutage.length > 0, 'requests were answered during the outage')
  assert.equal(duringOutage.filter((e) => e.outcome === '200').length, 0, 'never 200 while PostgreSQL is down')
  assert.deepEqual(Object.keys(outageOutcomes), ['503'])
  assert.equal(stack.receiver.child.exitCode, null, 'receiver still the same process')
  assert.equal(stack.worker.child.exitCode, null, `worker still the same process: ${stack.worker.stderr().slice(-2000)}`)
  assert.deepEqual(lostAcked, [])
  assert.equal(tally.duplicated, 0, tally.examples.join('; '))
})
