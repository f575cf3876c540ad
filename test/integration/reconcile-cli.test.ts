import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import request from 'supertest'
import type { ReconcileReport } from '../../src/reconcile/report.ts'
import { logIn } from '../helpers/admin-login.ts'
import { hubspotUser } from '../helpers/crm-tamper.ts'
import { startSeededHarness, syncSettled } from '../helpers/reconcile-helpers.ts'
import { ADMIN_TOKEN, hubspotRecords, type SyncHarness } from '../helpers/sync-harness.ts'

// `npm run reconcile` asks the workers (here the harness's) for passes and prints their reports.
let h: SyncHarness
before(async () => { h = await startSeededHarness() })
after(() => h.close())

async function cli (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  const env = { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: h.database.url, LOG_LEVEL: 'silent' }
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['src/cli/reconcile.ts', ...args], { env, timeout: 60_000 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number, stdout: string, stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

test('when `reconcile --dry-run --json` runs after a change behind our back, then it prints both reports and the CRM keeps the change', async () => {
  const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')[0]!
  await hubspotUser(h.hubspot).update('contacts', contact.id, { firstname: 'Jon' })
  const { code, stdout, stderr } = await cli('--dry-run', '--json')
  assert.equal(code, 0, stderr)
  const reports = JSON.parse(stdout) as ReconcileReport[]
  assert.deepEqual(reports.map((r) => [r.crm, r.status, r.dryRun, r.drift.differing, r.requeued]), [['hubspot', 'done', true, 1, 0], ['salesforce', 'done', true, 0, 0]])
  assert.deepEqual(reports[0]?.findings[0]?.fields?.map((f) => f.field), ['firstname'])
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')[0]?.properties.firstname, 'Jon')
  const runs = await h.pool.query("SELECT crm, status, dry_run, differing FROM reconcile_runs WHERE trigger = 'cli' ORDER BY crm")
  assert.deepEqual(runs.rows, [{ crm: 'hubspot', status: 'done', dry_run: true, differing: 1 }, { crm: 'salesforce', status: 'done', dry_run: true, differing: 0 }])
})

test('when `reconcile --crm hubspot` runs, then it prints a readable report, heals the drift, and the queues page shows the pass', async () => {
  const { code, stdout } = await cli('--crm', 'hubspot')
  assert.equal(code, 0)
  assert.match(stdout, /^hubspot: done in [\d.]+ s — checked 3, left to the sync 0; drift: missing 0, differing 1, duplicate 0, unassociated 0; queued again 1\n/)
  assert.match(stdout, /\n {2}contact cust_xyz789 +differs \(CRM record \d+\): firstname is •••, mirror says ••••\n$/)
  await syncSettled(h)
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789')[0]?.properties.firstname, 'John')

  const agent = request.agent(h.app)
  await logIn(agent, ADMIN_TOKEN)
  const page = await agent.get('/admin/queues')
  assert.equal(page.status, 200)
  assert.match(page.text, /Last reconciliation/)
  assert.match(page.text, /hubspot<\/td>\s*<td>[^<]+\(cli\)<\/td>\s*<td>done<\/td>\s*<td class="num">3<\/td>\s*<td class="num">0<\/td>\s*<td class="num">1<\/td>/)
  assert.match(page.text, /salesforce<\/td>\s*<td>[^<]+\(cli\)<\/td>\s*<td>done, dry run<\/td>/)
})

test('when `reconcile --crm` names a CRM that is not configured, then it exits 2 and says which are', async () => {
  const { code, stderr } = await cli('--crm', 'pipedrive')
  assert.equal(code, 2)
  assert.match(stderr, /pipedrive is not a configured CRM \(configured: hubspot, salesforce\)/)
})
