import type { CrmConnector, CrmName } from '../../src/crm/connector.ts'
import { reconcileCrm } from '../../src/reconcile/reconcile-crm.ts'
import type { ReconcileReport } from '../../src/reconcile/report.ts'
import assert from 'node:assert/strict'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { startSyncHarness, type SyncHarness } from './sync-harness.ts'
import { OPEN_PIPELINE_JOBS } from './sync-settled.ts'
import { until } from './until.ts'

/** The whole pipeline with the seed's five events delivered and synced to both sandboxes. */
export async function startSeededHarness (options: Parameters<typeof startSyncHarness>[0] = {}): Promise<SyncHarness> {
  const h = await startSyncHarness(options)
  for (const type of seedEventTypes) assert.equal((await h.deliver(seedEventBody(type))).status, 200)
  await syncSettled(h)
  return h
}

/** One reconciliation pass over one CRM of the harness, with its real connector. */
export function reconcile (h: SyncHarness, crm: CrmName, options: { dryRun?: boolean, pageSize?: number, signal?: AbortSignal, connector?: CrmConnector } = {}): Promise<ReconcileReport> {
  const connector = options.connector ?? h.connectors.find((candidate) => candidate.name === crm)
  if (!connector) throw new Error(`no ${crm} connector in the harness`)
  return reconcileCrm({ pool: h.pool, boss: h.boss, connector, metrics: h.metrics }, { dryRun: options.dryRun ?? false, pageSize: options.pageSize, signal: options.signal })
}

/** Waits until every delivery is applied and no apply or sync job is queued, retrying or running. */
export async function syncSettled (h: SyncHarness): Promise<void> {
  await until(async () => (await h.pool.query<{ n: number }>(`
    SELECT ${OPEN_PIPELINE_JOBS}
         + (SELECT count(*) FROM webhook_events WHERE status NOT IN ('applied', 'ignored')) AS n`)).rows[0]?.n,
  (n) => Number(n) === 0, { what: 'apply and sync queues drained' })
}

export const noDrift = (report: ReconcileReport) => ({ status: report.status, drift: report.drift })
export const NO_DRIFT = { status: 'done', drift: { missing: 0, differing: 0, duplicate: 0, unassociated: 0 } }
