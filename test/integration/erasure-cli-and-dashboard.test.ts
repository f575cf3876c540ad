import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import request from 'supertest'
import { remnants, syncSeedCustomer } from '../helpers/seed-customer.ts'
import { ADMIN_TOKEN, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// The two ways in: `npm run erase` (a separate process, as an operator runs it) and the
// dashboard's typed confirmation. Both queue the job that the harness's worker runs.
const run = promisify(execFile)
let h: SyncHarness
let agent: ReturnType<typeof request.agent>

before(async () => {
  h = await startSyncHarness()
  agent = request.agent(h.app)
  const form = await agent.get('/admin/login')
  await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN }).expect(303)
})
after(() => h.close())

function csrfOf (html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field')
}

async function erase (...args: string[]) {
  const env = { ...process.env, DATABASE_URL: h.database.url, NODE_ENV: 'test', LOG_LEVEL: 'warn' }
  return run(process.execPath, ['src/cli/erase.ts', ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number, stdout: string, stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }))
}

test('when `npm run erase` runs for a synced customer, then it prints a JSON receipt with counts and CRM ids; again, then nothing is left', async () => {
  const ids = await syncSeedCustomer(h, '_cli')
  const { rows: recorded } = await h.pool.query<{ crm: string, entity_type: string, crm_id: string }>(
    'SELECT crm, entity_type, crm_id FROM crm_records WHERE entity_id = ANY($1::text[])', [[ids.customer, ids.message, ids.appointment]])
  const first = await erase('--customer', ids.customer, '--json', '--wait', '60')
  assert.equal(first.code, 0, first.stderr)
  const receipt = JSON.parse(first.stdout)
  assert.equal(receipt.outcome, 'completed')
  assert.equal(receipt.customerId, ids.customer)
  assert.equal(receipt.nothingLeft, false)
  assert.deepEqual(receipt.local, { inbox: 5, customers: 1, conversations: 1, messages: 1, appointments: 1, crmRecords: 6 })
  for (const { crm, entity_type: type, crm_id: crmId } of recorded) assert.deepEqual(receipt.crm[crm][type], [crmId], `${crm} ${type}`)
  assert.deepEqual(await remnants(h, ids), { hubspot: 0, salesforce: 0, mirror: 0, inbox: 0, records: 0, versions: 0 })

  const second = await erase('--customer', ids.customer)
  assert.equal(second.code, 0, second.stderr)
  assert.match(second.stdout, /Nothing left to erase/)
})

test('when `npm run erase` has no --customer, then it explains the usage and exits 2', async () => {
  const result = await erase('--json')
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--customer <id> is required/)
})

test('when the dashboard erase form is confirmed with a different id, then nothing is erased', async () => {
  const page = await agent.get('/admin/data')
  const res = await agent.post('/admin/data/erase').type('form').send({ _csrf: csrfOf(page.text), customer_id: 'cust_dash', confirm: 'cust_dahs' })
  assert.equal(res.status, 303)
  assert.match((await agent.get('/admin/data')).text, /class="flash error"[^>]*>Nothing erased: type the customer id again/)
  assert.equal((await h.pool.query('SELECT count(*)::int AS n FROM erasures WHERE requested_by = \'dashboard\'')).rows[0].n, 0)
  await agent.post('/admin/data/erase').type('form').send({ customer_id: 'cust_dash', confirm: 'cust_dash' }).expect(403)
})

test('when the dashboard erase form is confirmed, then the worker erases the customer and the page shows the receipt', async () => {
  const ids = await syncSeedCustomer(h, '_dash')
  const page = await agent.get(`/admin/data?customer=${ids.customer}`)
  assert.match(page.text, new RegExp(`name="customer_id" value="${ids.customer}"`))
  await agent.post('/admin/data/erase').type('form').send({ _csrf: csrfOf(page.text), customer_id: ids.customer, confirm: ids.customer }).expect(303)
  assert.match((await agent.get('/admin/data')).text, /class="flash ok"[^>]*>Erasure #\d+ queued/)
  await until(() => remnants(h, ids), (left) => Object.values(left).every((n) => n === 0), { what: 'customer erased' })
  const after = await until(async () => (await agent.get('/admin/data')).text, (html) => /badge completed/.test(html))
  assert.match(after, /5 payloads, 4 mirror rows, 6 sync records/)
  assert.doesNotMatch(after, new RegExp(ids.customer), 'the list shows no customer id once done')
})
