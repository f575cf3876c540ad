import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { waitForCrms } from './support/crm-tally.ts'
import { FAULT_SECRET, report, startFaultStack, type FaultStack } from './support/fault-stack.ts'
import { customerEvents, runLoad } from './support/load.ts'
import { stopService } from './support/service-process.ts'

const CUSTOMERS = Number(process.env.FAULT_CUSTOMERS ?? 500)
const KILLS = 5

let stack: FaultStack
before(async () => { stack = await startFaultStack() })
after(() => stack?.close())

test(`when the worker is killed with SIGKILL ${KILLS} times during ${CUSTOMERS * 3} events, then every entity reaches both CRMs exactly once`, { timeout: 300_000 }, async () => {
  const events = customerEvents(CUSTOMERS)
  const loading = runLoad({ events, target: () => stack.receiver.url, secret: FAULT_SECRET, concurrency: 16 })

  // Kill the worker whenever it has made progress (a CRM call) since its (re)start, so each
  // kill lands mid-run with jobs active. Calls carry up to 100 (HubSpot) and 1 000
  // (Salesforce) records, so a run needs few of them: waiting for more than one per restart
  // let the kills fall after the load, when the jobs left were those the killed worker had
  // locked, which come back only after their heartbeat lapses (30 s) — seen at 57 s.
  let kills = 0
  const startedAt = Date.now()
  while (kills < KILLS) {
    const before = stack.sandboxes.hubspot.dump().requests.total + stack.sandboxes.salesforce.dump().requests.total
    const deadline = Date.now() + 90_000
    while (stack.sandboxes.hubspot.dump().requests.total + stack.sandboxes.salesforce.dump().requests.total < before + 1) {
      if (Date.now() > deadline) throw new Error('worker made no CRM progress within 90 s')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.equal(await stopService(stack.worker, 'SIGKILL'), 'SIGKILL')
    kills += 1
    stack.worker = await stack.startWorker()
  }
  const load = await loading
  const tally = await waitForCrms(stack.sandboxes.hubspot, stack.sandboxes.salesforce, CUSTOMERS, 200_000)
  const stored = await stack.storedEventIds()
  const lostAcked = [...load.acknowledged].filter((id) => !stored.has(id))

  report('worker SIGKILL ×' + KILLS, {
    eventsSent: load.events,
    attempts: load.attempts,
    acknowledged: load.acknowledged.size,
    outcomes: Object.fromEntries(load.byOutcome),
    crmExpected: tally.expected,
    crmSynced: tally.synced,
    lost: tally.missing + lostAcked.length,
    duplicated: tally.duplicated,
    misLinked: tally.misLinked,
    seconds: Math.round((Date.now() - startedAt) / 1000)
  })
  assert.equal(load.acknowledged.size, load.events)
  assert.deepEqual(lostAcked, [])
  assert.equal(tally.duplicated, 0, tally.examples.join('; '))
  assert.equal(tally.missing, 0)
  assert.equal(tally.misLinked, 0)
})
