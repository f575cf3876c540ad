import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import request from 'supertest'
import { startWorkers } from '../../workers/start-workers.ts'
import { createAdminRouter } from '../../src/admin/index.ts'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { CrmRetryableError } from '../../src/crm/errors.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createRateLimiter } from '../../src/sync/rate-limiter.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createBoss } from '../../src/db/boss.ts'
import type { CircuitSettings } from '../../src/sync/circuit.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { crmRegistry } from '../../src/crm/registry.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createMetrics, type Metrics } from '../../src/metrics.ts'
import { crmHealth } from '../../src/sync/crm-health.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createInbox } from '../../src/receiver/inbox.ts'
import { sign } from '../../src/receiver/signature.ts'
import { createHubspotSandbox, type HubspotSandbox, type HubspotSandboxOptions } from '../../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from '../../src/sandbox/salesforce/index.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'
import { createCleanup } from './cleanup.ts'
import { testLogger } from './test-logger.ts'

export const SYNC_SECRET = 'sync-test-secret'
export const ADMIN_TOKEN = 'sync-test-admin-token'

export interface SyncHarness {
  database: TestDatabase
  pool: pg.Pool
  boss: PgBoss
  metrics: Metrics
  hubspot: HubspotSandbox
  salesforce: SalesforceSandbox
  /** Where the sandboxes listen (to edit records there as a CRM user would). */
  hubspotUrl: string
  salesforceUrl: string
  connectors: CrmConnector[]
  app: ReturnType<typeof createApp>
  deliver: (body: string) => Promise<request.Response>
  /** Stops the apply and sync workers (queued jobs stay), e.g. to drive a handler by hand. */
  stopWorkers: () => Promise<void>
  startWorkers: () => Promise<void>
  close: () => Promise<void>
}

/**
 * The whole pipeline in-process: real PostgreSQL, the receiver app, the apply and sync
 * workers, and both CRM sandboxes over HTTP driven by the real client libraries.
 * Retries are shortened (1 s base) so fault tests finish quickly. `close()` closes
 * everything in reverse order (and a start that fails halfway closes what it opened).
 */
export async function startSyncHarness (options: {
  crmTimeoutMs?: number
  hubspot?: HubspotSandboxOptions
  salesforce?: SalesforceSandboxOptions
  hubspotRequestsPer10s?: number
  prepare?: boolean
  /** Start the apply and sync workers (default). Off: call the sync stage directly. */
  workers?: boolean
  /** Captures the service's logs (at trace level) instead of silencing them. */
  logStream?: NodeJS.WritableStream
  /** The queues' retry policy (default: 1 s base, 2 s cap, the production attempt count). */
  retry?: { retryLimit?: number, retryDelay?: number, retryDelayMax?: number }
  circuit?: CircuitSettings
  /** Field mapping files (default: the shipped ones) and Contact or Lead. */
  hubspotMappingFile?: string
  salesforceMappingFile?: string
  salesforcePersonObject?: 'Contact' | 'Lead'
} = {}): Promise<SyncHarness> {
  const cleanup = createCleanup()
  return cleanup.guard(async () => {
    const database = await createTestDatabase()
    cleanup.defer(() => database.drop())
    const logger = options.logStream
      ? createLogger({ level: 'trace', destination: options.logStream })
      : testLogger()
    const pool = createPool({ connectionString: database.url, logger })
    cleanup.defer(() => pool.end())
    const boss = createBoss({ connectionString: database.url, logger })
    cleanup.defer(() => boss.stop({ graceful: false }))
    await boss.start()
    await ensureQueues(boss, crmRegistry.map((crm) => crm.name), { retryDelay: 1, retryDelayMax: 2, ...options.retry })
    const budgets = [
      { crm: 'hubspot', budget: { limit: 100, windowMs: 10_000, dailyLimit: 250_000, dailyShare: 0.5 } },
      { crm: 'salesforce', budget: { limit: 1000, windowMs: 10_000, dailyLimit: 100_000, dailyShare: 0.5 } }
    ]
    const health = () => crmHealth(pool, budgets)
    const metrics = createMetrics({ defaultMetrics: false, crmHealth: health })

    const hubspot = createHubspotSandbox(options.hubspot)
    const salesforce = createSalesforceSandbox(options.salesforce)
    cleanup.defer(() => Promise.all([hubspot.close(), salesforce.close()]))
    const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
    const timeoutMs = options.crmTimeoutMs ?? 2000
    const connectors: CrmConnector[] = [
      createHubspotConnector({
        accessToken: hubspot.accessToken,
        baseUrl: hubspotUrl,
        appointmentObject: 'meetings',
        mappingFile: options.hubspotMappingFile,
        timeoutMs,
        limiter: createRateLimiter({ max: options.hubspotRequestsPer10s ?? 95, intervalMs: 10_000 }),
        onRequest: (status) => metrics.crmRequests.inc({ crm: 'hubspot', status: String(status) })
      }),
      createSalesforceConnector({
        loginUrl: salesforceUrl,
        clientId: salesforce.clientId,
        clientSecret: salesforce.clientSecret,
        apiVersion: '62.0',
        mappingFile: options.salesforceMappingFile,
        personObject: options.salesforcePersonObject,
        timeoutMs,
        limiter: createRateLimiter({ max: 1000, intervalMs: 10_000 }),
        onRequest: (status) => metrics.crmRequests.inc({ crm: 'salesforce', status: String(status) })
      })
    ]
    if (options.prepare ?? true) for (const connector of connectors) await prepareWithRetries(connector)
    const start = () => startWorkers({ pool, boss, connectors, logger, metrics, circuitSettings: options.circuit })
    let workers: Awaited<ReturnType<typeof start>> | undefined = options.workers ?? true ? await start() : undefined
    cleanup.defer(async () => { await workers?.stop(); workers = undefined })
    const inbox = createInbox({ pool, boss })
    cleanup.defer(() => inbox.drain())
    const admin = createAdminRouter({
      pool, boss, adminToken: ADMIN_TOKEN, logger, crmHealth: health, crms: connectors.map((c) => ({ name: c.name, recordUrl: c.recordUrl?.bind(c), mapping: c.describeMapping?.() }))
    })
    const app = createApp({ pool, webhook: { inbox, secrets: [SYNC_SECRET] }, logger, metrics, routers: [admin] })

    return {
      database,
      pool,
      boss,
      metrics,
      hubspot,
      salesforce,
      hubspotUrl,
      salesforceUrl,
      connectors,
      app,
      deliver: (body) => request(app).post('/webhooks/agentclara')
        .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, SYNC_SECRET) }).send(body),
      async stopWorkers () {
        await workers?.stop()
        workers = undefined
      },
      async startWorkers () {
        workers ??= await start()
      },
      close: cleanup.close
    }
  })
}

/**
 * Set-up is not what these tests test: a provisioning call that times out on a loaded
 * machine (some files run with a 500 ms CRM timeout) is tried again, like the service does.
 */
async function prepareWithRetries (connector: CrmConnector): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connector.prepare()
    } catch (error) {
      if (!(error instanceof CrmRetryableError) || attempt >= 3) throw error
    }
  }
}

/** The HubSpot records of one object type whose `property` equals `value`. */
export function hubspotRecords (sandbox: HubspotSandbox, type: string, property?: string, value?: string) {
  const all = sandbox.dump().objects[type] ?? []
  return property ? all.filter((record) => record.properties[property] === value) : all
}

export function salesforceRecords (sandbox: SalesforceSandbox, type: string, field?: string, value?: string) {
  const all = sandbox.dump().records[type] ?? []
  return field ? all.filter((record) => record[field] === value) : all
}
