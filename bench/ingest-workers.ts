import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { createHubspotConnector } from '../src/crm/hubspot/index.ts'
import { createSalesforceConnector } from '../src/crm/salesforce/index.ts'
import type { Metrics } from '../src/metrics.ts'
import { APPLY_QUEUE } from '../src/mirror/apply-queue.ts'
import { createHubspotSandbox } from '../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../src/sandbox/salesforce/index.ts'
import { createRateBudget } from '../src/sync/rate-budget.ts'
import { hubspotDefinition } from '../src/crm/hubspot/definition.ts'
import { salesforceDefinition } from '../src/crm/salesforce/definition.ts'
import { defaultBudget } from './default-budget.ts'
import { createApplyHandler } from '../workers/apply-worker.ts'
import { applyOptions, startWorkers } from '../workers/start-workers.ts'

/**
 * The pipeline behind the receiver, in the receiver's process as `npm start` runs it:
 * - `apply`: the apply worker (mirror upserts, sync jobs queued for both CRMs, not consumed);
 * - `sync`: every worker, writing to both CRM sandboxes (50 ms latency, HubSpot 100 req / 10 s).
 */
export async function startIngestWorkers (mode: 'apply' | 'sync', deps: { pool: pg.Pool, boss: PgBoss, logger: Logger, metrics: Metrics }): Promise<void> {
  if (mode === 'apply') {
    await deps.boss.work(APPLY_QUEUE, applyOptions,
      createApplyHandler({ ...deps, crms: ['hubspot', 'salesforce'] }))
    return
  }
  const hubspot = createHubspotSandbox({ rateLimit: { max: 100, intervalMs: 10_000 }, latencyMs: 50 })
  const salesforce = createSalesforceSandbox({ latencyMs: 50 })
  const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
  const connectors: CrmConnector[] = [
    createHubspotConnector({ accessToken: hubspot.accessToken, baseUrl: hubspotUrl, timeoutMs: 10_000, limiter: createRateBudget({ pool: deps.pool, crm: 'hubspot', settings: defaultBudget(hubspotDefinition) }) }),
    createSalesforceConnector({ loginUrl: salesforceUrl, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret, timeoutMs: 10_000, limiter: createRateBudget({ pool: deps.pool, crm: 'salesforce', settings: defaultBudget(salesforceDefinition) }) })
  ]
  for (const connector of connectors) await connector.prepare()
  await startWorkers({ ...deps, connectors })
}
