import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitForCrms } from './support/crm-tally.ts'
import { FAULT_SECRET, report, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, runLoad, type LoadStats } from './support/load.ts'
import { stopService } from './support/service-process.ts'

const CUSTOMERS = 300
// Refused connections were never sent; anything else means a request already sent was cut.
const NOT_SENT = new Set(['ECONNREFUSED'])

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

test('when the receiver gets SIGTERM under load, then in-flight requests finish, it exits 0 and nothing acknowledged is lost', { timeout: 240_000 }, async () => {
  const events = customerEvents(CUSTOMERS)
  let third!: () => void
  const reachedThird = new Promise<void>((resolve) => { third = resolve })
  let target = stack.receiver.url
  const load = runLoad({
    events,
    target: () => target,
    secret: FAULT_SECRET,
    concurrency: 16,
    onAck: (stats: LoadStats) => { if (stats.acknowledged.size >= stats.events / 3) third() }
  })
  await reachedThird
  const termAt = Date.now()
  const code = await stopService(stack.receiver, 'SIGTERM')
  const exitedAt = Date.now()
  stack.receiver = await stack.startReceiver()
  target = stack.receiver.url

  const stats = await load
  const cut = stats.log.filter((entry) => !/^\d+$/.test(entry.outcome) && !NOT_SENT.has(entry.outcome))
  const nonOk = stats.log.filter((entry) => /^\d+$/.test(entry.outcome) && entry.outcome !== '200')
  const stored = await stack.storedEventIds()
  const lostAcked = [...stats.acknowledged].filter((id) => !stored.has(id))
  const tally = await waitForCrms(stack.sandboxes.hubspot, stack.sandboxes.salesforce, CUSTOMERS, 180_000)
  report('receiver SIGTERM', {
    eventsSent: stats.events,
    attempts: stats.attempts,
    acknowledged: stats.acknowledged.size,
    outcomes: Object.fromEntries(stats.byOutcome),
    exitCode: code,
    shutdownMs: exitedAt - termAt,
    requestsCut: cut.length,
    crmExpected: tally.expected,
    crmSynced: tally.synced,
    lost: tally.missing + lostAcked.length,
    duplicated: tally.duplicated
  })
  assert.equal(code, 0, stack.receiver.stderr())
  assert.deepEqual(cut.map((e) => e.outcome), [], 'no request already sent was reset')
  assert.deepEqual(nonOk.map((e) => e.outcome), [])
  assert.deepEqual(lostAcked, [])
  assert.equal(tally.duplicated, 0, tally.examples.join('; '))
})
