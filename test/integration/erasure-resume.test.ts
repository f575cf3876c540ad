import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createLogger } from '../../src/logger.ts'
import { runErasure } from '../../src/lifecycle/run-erasure.ts'
import { remnants, syncSeedCustomer } from '../helpers/seed-customer.ts'
import { startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'

// A crash between steps, injected in-process: the erasure is run directly (no job), so the
// test decides when it stops and when it runs again.
let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(() => h.close())

const logger = createLogger({ level: 'silent' })

async function newErasure (customerId: string): Promise<string> {
  const { rows } = await h.pool.query<{ id: string }>(
    'INSERT INTO erasures (customer_hash, customer_id, requested_by) VALUES (erasure_subject_hash(\'customer:\' || $1), $1, \'test\') RETURNING id', [customerId])
  return rows[0]!.id
}

for (const crashAfter of ['local', 'crm:hubspot']) {
  test(`when an erasure crashes after its ${crashAfter} step, then running it again finishes it with one complete receipt`, async () => {
    const ids = await syncSeedCustomer(h, `_${crashAfter.replace(':', '_')}`)
    const erasureId = await newErasure(ids.customer)
    const crash = (step: string) => { if (step === crashAfter) throw new Error(`injected crash after ${step}`) }
    await assert.rejects(runErasure({ pool: h.pool, connectors: h.connectors, logger, afterStep: crash }, erasureId), /injected crash/)

    const stopped = (await h.pool.query('SELECT status, steps_done, customer_id FROM erasures WHERE id = $1', [erasureId])).rows[0]
    assert.equal(stopped.status, 'in_progress')
    assert.equal(stopped.customer_id, ids.customer, 'kept until done, to resume')
    assert.equal(stopped.steps_done.at(-1), crashAfter)
    const midway = await remnants(h, ids)
    assert.equal(midway.mirror, 0)
    assert.equal(midway.salesforce, 3, 'Salesforce not reached yet')

    const receipt = await runErasure({ pool: h.pool, connectors: h.connectors, logger }, erasureId)
    assert.equal(receipt.status, 'completed')
    assert.deepEqual(await remnants(h, ids), { hubspot: 0, salesforce: 0, mirror: 0, inbox: 0, records: 0, versions: 0 })
    assert.deepEqual(receipt.local, { inbox: 5, customers: 1, conversations: 1, messages: 1, appointments: 1, crmRecords: 6 })
    for (const crm of ['hubspot', 'salesforce'] as const) {
      assert.deepEqual(Object.values(receipt.crm[crm] ?? {}).map((crmIds) => crmIds.length), [1, 1, 1], crm)
    }
  })
}
