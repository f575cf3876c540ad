// `npm run reconcile -- [--dry-run] [--crm hubspot|salesforce] [--json]`: asks the workers for a
// reconciliation pass per CRM (they hold the connectors, the sandboxes in development and the
// rate budget), waits for it and prints the report. Exit 0 when every pass completed.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { crmRegistry } from '../crm/registry.ts'
import { createBoss } from '../db/boss.ts'
import { openDatabase } from '../db/open-database.ts'
import { createLogger } from '../logger.ts'
import { formatReport } from '../reconcile/format-report.ts'
import { ensureReconcileQueue, RECONCILE_QUEUE, requestReconcile } from '../reconcile/reconcile-queue.ts'
import type { ReconcileReport } from '../reconcile/report.ts'
import { waitForPass } from '../reconcile/wait-for-pass.ts'

const usage = 'usage: npm run reconcile -- [--dry-run] [--crm <name>] [--json] [--pick-up-seconds <s>]'
let args
try {
  args = parseArgs({
    options: { 'dry-run': { type: 'boolean', default: false }, crm: { type: 'string' }, json: { type: 'boolean', default: false }, 'pick-up-seconds': { type: 'string', default: '30' }, help: { type: 'boolean', default: false } }
  }).values
  if (args.help) { console.log(usage); process.exit(0) }
} catch (error) {
  console.error(`reconcile: ${(error as Error).message}\n${usage}`)
  process.exit(2)
}

let config
try {
  config = loadConfig(process.env)
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}
const enabled = crmRegistry.filter((definition) => definition.target(config) !== 'off').map((definition) => definition.name)
const crms = args.crm === undefined ? enabled : enabled.filter((name) => name === args.crm)
if (crms.length === 0) {
  console.error(`reconcile: ${args.crm === undefined ? 'no CRM is configured' : `${args.crm} is not a configured CRM (configured: ${enabled.join(', ') || 'none'})`}`)
  process.exit(2)
}

// Errors only, on stderr: stdout stays the report (valid JSON with --json), and joining the
// embedded PostgreSQL of a running `npm start` is the normal case here, not worth a warning.
const logger = createLogger({ level: 'error', destination: process.stderr })
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
const boss = createBoss({ connectionString: database.url, logger })
const controller = new AbortController()
process.once('SIGINT', () => controller.abort())
let failed = false
const reports: ReconcileReport[] = []
try {
  await boss.start()
  await ensureReconcileQueue(boss)
  const jobs: Array<[string, string]> = []
  for (const crm of crms) {
    const id = await requestReconcile(boss, { crm, dryRun: args['dry-run'], trigger: 'cli' })
    if (id) jobs.push([crm, id])
    else { failed = true; console.error(`reconcile: a pass over ${crm} is already queued or running; see the dashboard's Queues page`) }
  }
  for (const [crm, id] of jobs) {
    try {
      const report = await waitForPass(boss, id, { pickUpSeconds: Number(args['pick-up-seconds']), signal: controller.signal })
      reports.push(report)
      failed ||= report.status !== 'done'
      if (!args.json) console.log(formatReport(report))
    } catch (error) {
      failed = true
      // Interrupted: stop the pass in the worker too (its heartbeat notices the cancellation).
      if (controller.signal.aborted) await boss.cancel(RECONCILE_QUEUE, id).catch(() => {})
      console.error(`reconcile: ${crm}: ${controller.signal.aborted ? 'interrupted' : (error as Error).message}`)
    }
  }
  if (args.json) console.log(JSON.stringify(reports, null, 2))
} finally {
  await boss.stop({ graceful: false })
  // An embedded PostgreSQL the running service started stays up for it.
  if (!database.adopted) await database.stop()
}
process.exit(failed ? 1 : 0)
