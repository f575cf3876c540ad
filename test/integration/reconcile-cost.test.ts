import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { messageObjectFor } from '../../src/crm/hubspot/mapping.ts'
import { generateEvents } from '../../src/simulator/generate-events.ts'
import { NO_DRIFT, noDrift, reconcile, syncSettled } from '../helpers/reconcile-helpers.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'

// What a pass costs in CRM calls, counted by the sandboxes: N customers with their messages and
// appointments, synced, then one pass per CRM. Prints a RECONCILE-COST line for the docs.
const CUSTOMERS = Number(process.env.RECONCILE_COST_CUSTOMERS ?? 100)
const PAGE = 500

let h: SyncHarness
before(async () => {
  // The sandbox allows what our limiter spends: with its default 100 per 10 s, the sync's calls
  // and the pass's could share one window, and a 429 read again would count one call twice.
  h = await startSyncHarness({ hubspotRequestsPer10s: 1000, hubspot: { rateLimit: { max: 1000, intervalMs: 10_000 } } })
  for (const event of generateEvents({ customers: CUSTOMERS, runId: 'cost', randomSeed: 7 })) {
    assert.equal((await h.deliver(event.body)).status, 200)
  }
  await syncSettled(h)
})
after(() => h.close())

const pages = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / PAGE) }, (_, i) => items.slice(i * PAGE, (i + 1) * PAGE))
const calls = (n: number, per: number) => Math.ceil(n / per)
const ids = async (table: string) => (await h.pool.query<{ id: string, channel?: string }>(`SELECT * FROM ${table} ORDER BY id`)).rows

/** Calls per route (the HubSpot sandbox counts them; the Salesforce one counts totals only). */
function routeDelta (before: Record<string, number> = {}, after: Record<string, number> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([route, n]) => [route, n - (before[route] ?? 0)]).filter(([, n]) => Number(n) > 0))
}

test('when N customers are reconciled, then each CRM is read in batches: HubSpot ⌈n/100⌉ per object (+1 association read per ≤1000), Salesforce ⌈n/200⌉ queries per type', async () => {
  const [contacts, messages, appointments] = await Promise.all([ids('customers'), ids('messages'), ids('appointments')])
  const hubspotExpected = pages(contacts).reduce((sum, page) => sum + calls(page.length, 100), 0) +
    pages(messages).reduce((sum, page) => sum + (['communications', 'notes'] as const).reduce((s, type) => {
      const n = page.filter((m) => messageObjectFor(m.channel ?? '') === type).length
      return s + calls(n, 100) + calls(n, 1000)
    }, 0), 0) +
    pages(appointments).reduce((sum, page) => sum + calls(page.length, 100) + calls(page.length, 1000), 0)
  const salesforceExpected = [contacts, messages, appointments].reduce((sum, rows) => sum + pages(rows).reduce((s, page) => s + calls(page.length, 200), 0), 0)

  const measured: Record<string, { entities: number, calls: number, expected: number, routes: Record<string, number> }> = {}
  for (const [crm, sandbox, expected] of [['hubspot', h.hubspot, hubspotExpected], ['salesforce', h.salesforce, salesforceExpected]] as const) {
    const before = sandbox.dump().requests
    const report = await reconcile(h, crm)
    const after = sandbox.dump().requests
    assert.deepEqual(noDrift(report), NO_DRIFT, crm)
    assert.equal(report.checked, contacts.length + messages.length + appointments.length)
    measured[crm] = { entities: report.checked, calls: after.total - before.total, expected, routes: routeDelta('byRoute' in before ? before.byRoute : undefined, 'byRoute' in after ? after.byRoute : undefined) }
    assert.equal(after.total - before.total, expected, `${crm}: ${JSON.stringify(measured[crm])}`)
  }
  console.log(`RECONCILE-COST ${JSON.stringify({ customers: contacts.length, messages: messages.length, appointments: appointments.length, ...measured })}`)
})
