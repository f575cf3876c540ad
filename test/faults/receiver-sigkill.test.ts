import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitForCrms } from './support/crm-tally.ts'
import { FAULT_SECRET, report, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, runLoad, whenAcknowledged } from './support/load.ts'
import { stopService } from './support/service-process.ts'

const CUSTOMERS = 400

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

test('when the receiver is killed with SIGKILL under load, then every delivery it acknowledged is in webhook_events and reaches the CRMs', { timeout: 240_000 }, async () => {
  const events = customerEvents(CUSTOMERS)
  const third = whenAcknowledged(1 / 3)
  let target = stack.receiver.url
  const load = runLoad({
    events,
    target: () => target,
    secret: FAULT_SECRET,
    concurrency: 16,
    onAck: third.onAck
  })
  await third.reached
  assert.equal(await stopService(stack.receiver, 'SIGKILL'), 'SIGKILL')
  const ackedBeforeKill = new Set<string>()
  const killedAt = Date.now()
  stack.receiver = await stack.startReceiver()
  target = stack.receiver.url

  const stats = await load
  for (const entry of stats.log) if (entry.outcome === '200' && entry.doneAt <= killedAt) ackedBeforeKill.add(entry.id)
  const stored = await stack.storedEventIds()
  const lostAtKill = [...ackedBeforeKill].filter((id) => !stored.has(id))
  const lostAcked = [...stats.acknowledged].filter((id) => !stored.has(id))
  const tally = await waitForCrms(stack.sandboxes.hubspot, stack.sandboxes.salesforce, CUSTOMERS, 180_000)
  report('receiver SIGKILL', {
    eventsSent: stats.events,
    attempts: stats.attempts,
    acknowledged: stats.acknowledged.size,
    acknowledgedBeforeKill: ackedBeforeKill.size,
    outcomes: Object.fromEntries(stats.byOutcome),
    crmExpected: tally.expected,
    crmSynced: tally.synced,
    lost: tally.missing + lostAcked.length,
    duplicated: tally.duplicated
  })
  assert.deepEqual(lostAtKill, [])
  assert.deepEqual(lostAcked, [])
  assert.equal(tally.duplicated, 0, tally.examples.join('; '))
})
