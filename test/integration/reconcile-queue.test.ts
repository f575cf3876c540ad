import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ensureReconcileQueue, RECONCILE_QUEUE, requestReconcile } from '../../src/reconcile/reconcile-queue.ts'
import { startRun } from '../../src/reconcile/run-store.ts'
import { NoWorkerError, waitForPass } from '../../src/reconcile/wait-for-pass.ts'
import { useQueueDatabase } from '../helpers/queue-database.ts'

// The queue alone, with no worker consuming it: what the sweep and the CLI rely on.
const h = useQueueDatabase(ensureReconcileQueue)

const queued = async (crm: string) => Number((await h.pool.query(
  "SELECT count(*) FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [RECONCILE_QUEUE, crm])).rows[0].count)

test('when several workers ask for the scheduled pass in one interval, then one pass is queued per CRM', async () => {
  const ask = (crm: string) => requestReconcile(h.boss, { crm, dryRun: false, trigger: 'schedule' }, { everySeconds: 3600 })
  const answers = await Promise.all([ask('hubspot'), ask('hubspot'), ask('hubspot'), ask('salesforce')])
  assert.equal(answers.filter((id) => id !== null).length, 2)
  assert.equal(await queued('hubspot'), 1)
  assert.equal(await queued('salesforce'), 1)
})

test('when a pass over a CRM is already queued, then asking again from the CLI queues nothing', async () => {
  assert.equal(await requestReconcile(h.boss, { crm: 'hubspot', dryRun: true, trigger: 'cli' }), null)
})

test('when no worker takes a pass, then waiting for it gives up with a message naming the fix and cancels the job', async () => {
  const id = await requestReconcile(h.boss, { crm: 'pipedrive', dryRun: true, trigger: 'cli' })
  assert.ok(id)
  await assert.rejects(waitForPass(h.boss, id, { pickUpSeconds: 0.3 }), (error: Error) =>
    error instanceof NoWorkerError && /start the service \(npm start, or npm run start:worker\)/.test(error.message))
  assert.equal((await h.boss.getJobById(RECONCILE_QUEUE, id))?.state, 'cancelled')
})

test('when a pass starts while an earlier one is still recorded as running, then that one is marked failed (its worker died)', async () => {
  const stale = await startRun(h.pool, { crm: 'hubspot', trigger: 'schedule', dryRun: false })
  const current = await startRun(h.pool, { crm: 'hubspot', trigger: 'cli', dryRun: true })
  const { rows } = await h.pool.query('SELECT id, status, error FROM reconcile_runs ORDER BY id')
  assert.deepEqual(rows, [{ id: stale, status: 'failed', error: 'the worker stopped during the pass' }, { id: current, status: 'running', error: null }])
})
