import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { createHubspotConnector } from '../src/crm/hubspot/index.ts'
import { createSalesforceConnector } from '../src/crm/salesforce/index.ts'
import type { Metrics } from '../src/metrics.ts'
import { APPLY_QUEUE } from '../src/mirror/apply-queue.ts'
import { createRateBudget } from '../src/sync/rate-budget.ts'
import { hubspotDefinition } from '../src/crm/hubspot/definition.ts'
import { salesforceDefinition } from '../src/crm/salesforce/definition.ts'
import { defaultBudget } from './default-budget.ts'
import { spawnJson } from './child.ts'
import type { CrmSandboxes } from './crm-sandboxes.ts'
import { applyHandlerAsRun, applyOptions, startWorkers } from '../workers/start-workers.ts'

/**
 * The pipeline behind the receiver, in the receiver's process as `npm start` runs it:
 * - `apply`: the apply worker (mirror upserts, sync jobs queued for both CRMs, not consumed);
 * - `sync`: every worker, writing to both CRM sandboxes (50 ms latency, HubSpot 100 req / 10 s)
 *   in a child process, as a real CRM is elsewhere.
 */
export async function startIngestWorkers (mode: 'apply' | 'sync', deps: { pool: pg.Pool, boss: PgBoss, logger: Logger, metrics: Metrics }): Promise<void> {
  if (mode === 'apply') {
    await deps.boss.work(APPLY_QUEUE, applyOptions,
      applyHandlerAsRun({ ...deps, crms: ['hubspot', 'salesforce'] }))
    return
  }
  // The sandboxes run in a process of their own (bench/crm-sandboxes.ts): a CRM is another
  // company's servers, so its CPU and garbage collection must not be charged to the receiver.
  const sandboxes = spawnJson<CrmSandboxes>(fileURLToPath(new URL('./crm-sandboxes.ts', import.meta.url)), [])
  process.on('exit', () => sandboxes.child.kill())
  const { hubspot, salesforce } = await sandboxes.first
  const connectors: CrmConnector[] = [
    createHubspotConnector({ accessToken: hubspot.accessToken, baseUrl: hubspot.url, timeoutMs: 10_000, limiter: createRateBudget({ pool: deps.pool, crm: 'hubspot', settings: defaultBudget(hubspotDefinition) }) }),
    createSalesforceConnector({ loginUrl: salesforce.url, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret, timeoutMs: 10_000, limiter: createRateBudget({ pool: deps.pool, crm: 'salesforce', settings: defaultBudget(salesforceDefinition) }) })
  ]
  for (const connector of connectors) await connector.prepare()
  await startWorkers({ ...deps, connectors })
}
