import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHubspotConnector } from '../src/crm/hubspot/index.ts'
import { createRateLimiter } from '../src/sync/rate-limiter.ts'
import { createSalesforceConnector } from '../src/crm/salesforce/index.ts'
import type { CrmConnector } from '../src/crm/connector.ts'
import { createBoss } from '../src/db/boss.ts'
import { ensureQueues } from '../src/sync/ensure-queues.ts'
import { crmRegistry } from '../src/crm/registry.ts'
import { createPool } from '../src/db/pool.ts'
import { createLogger } from '../src/logger.ts'
import { createMetrics } from '../src/metrics.ts'
import { createApp } from '../src/http/create-app.ts'
import { createInbox } from '../src/receiver/inbox.ts'
import { sign } from '../src/receiver/signature.ts'
import { createHubspotSandbox } from '../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../src/sandbox/salesforce/index.ts'
import { startWorkers } from '../workers/start-workers.ts'
import { freshDatabase } from './ingest-bench.ts'

export interface SyncResult {
  events: number
  customers: number
  accepted: number
  latencyMs: number
  hubspotLimit: { max: number, intervalMs: number }
  drainSeconds: number
  hubspotRecordsPerSecond: number
  hubspotCeilingRecordsPerSecond: number
  hubspotRequestsPerSecond: number
  hubspotCallsPer1000Events: number
  /** Every event changes its customer's contact state (status, last message, last contact). */
  hubspotContactUpsertCallsPer1000ContactUpdates: number
  salesforceCallsPer1000Events: number
  hubspotRequestsByRoute: Record<string, number>
  hubspot429: number
  failedSyncJobs: number
  hubspotContacts: number
  hubspotCommunications: number
  lag: { rate: number, seconds: number, samples: number, p50: number | null, p99: number | null }
  /** The fewest calls the CRMs' APIs allow for the phase-1 workload, and how they are counted. */
  minimum: MinimumCalls
  hubspotCalls: number
  salesforceCalls: number
  /** Share of HubSpot's window limit the drain used, over its whole duration. */
  hubspotLimitUsed: number
  /** HubSpot calls / s during the steady 100 events/s phase, and what a day of it costs. */
  steady: { hubspotCallsPerSecond: number, hubspotCallsPerDay: number, dailyQuota: number, dailyQuotaShare: number }
}

export interface MinimumCalls {
  hubspot: number
  hubspotWithoutInlineAssociations: number
  salesforce: number
  how: string[]
}

const HUBSPOT_BATCH = 100
const SALESFORCE_COLLECTION = 200
const HUBSPOT_DAILY_QUOTA = 250_000

/**
 * The fewest calls the APIs allow for `contacts` customers with `messages` SMS messages: each
 * record written once (the final state of a contact is all the CRM needs), 100 per HubSpot
 * batch call, the communication's contact association inline on its create (batch upsert
 * cannot carry one: without inline associations every 100 messages cost one more call);
 * Salesforce sObject Collections take 200 records per call (Contacts, then Tasks by WhoId).
 */
export function minimumCalls (contacts: number, messages: number): MinimumCalls {
  const up = (n: number, per: number) => Math.ceil(n / per)
  const hubspot = up(contacts, HUBSPOT_BATCH) + up(messages, HUBSPOT_BATCH)
  return {
    hubspot,
    hubspotWithoutInlineAssociations: hubspot + up(messages, HUBSPOT_BATCH),
    salesforce: up(contacts, SALESFORCE_COLLECTION) + up(messages, SALESFORCE_COLLECTION),
    how: [
      `HubSpot: ⌈${contacts} contacts / ${HUBSPOT_BATCH}⌉ batch upserts + ⌈${messages} communications / ${HUBSPOT_BATCH}⌉ batch creates with the contact association inline = ${hubspot}` +
        ` (${hubspot + up(messages, HUBSPOT_BATCH)} without inline associations: + ⌈${messages} / ${HUBSPOT_BATCH}⌉ association batches)`,
      `Salesforce: ⌈${contacts} Contacts / ${SALESFORCE_COLLECTION}⌉ + ⌈${messages} Tasks / ${SALESFORCE_COLLECTION}⌉ sObject Collections upserts = ${up(contacts, SALESFORCE_COLLECTION) + up(messages, SALESFORCE_COLLECTION)}`
    ]
  }
}

const SECRET = 'bench-sync-secret'
const HUBSPOT_LIMIT = { max: 100, intervalMs: 10_000 }
const LATENCY_MS = 50
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The whole pipeline in this process (wiring copied from test/helpers/sync-harness.ts):
 * receiver over HTTP on loopback, apply + sync workers, both CRM sandboxes over HTTP
 * driven by the real client libraries. Phase 1 pushes a backlog of `events` webhooks over
 * `customers` and times the drain into HubSpot; phase 2 sends new customers at a steady
 * rate and measures receive → HubSpot-contact-synced lag from SQL.
 */
export async function benchSync (options: { clusterUrl: string, quick: boolean, log: (line: string) => void }): Promise<SyncResult> {
  const customers = options.quick ? 400 : 2000
  const messagesPerCustomer = 4
  const events = customers * (1 + messagesPerCustomer)
  const lagRate = 100
  const lagSeconds = options.quick ? 5 : 30

  const databaseUrl = await freshDatabase(options.clusterUrl, 'bench_sync')
  const logger = createLogger({ level: 'silent' })
  const pool = createPool({ connectionString: databaseUrl, max: 10, logger })
  const boss = createBoss({ connectionString: databaseUrl, logger })
  await boss.start()
  await ensureQueues(boss, crmRegistry.map((crm) => crm.name))
  const metrics = createMetrics({ defaultMetrics: false })

  const hubspot = createHubspotSandbox({ rateLimit: HUBSPOT_LIMIT })
  hubspot.faults.set({ latencyMs: LATENCY_MS })
  const salesforce = createSalesforceSandbox({ latencyMs: LATENCY_MS })
  const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
  const connectors: CrmConnector[] = [
    createHubspotConnector({
      accessToken: hubspot.accessToken,
      baseUrl: hubspotUrl,
      appointmentObject: 'meetings',
      timeoutMs: 10_000,
      // The production default budget (95 of HubSpot's 100 per 10 s), as src/main wires it.
      limiter: createRateLimiter({ max: 95, intervalMs: 10_000 })
    }),
    createSalesforceConnector({
      loginUrl: salesforceUrl,
      clientId: salesforce.clientId,
      clientSecret: salesforce.clientSecret,
      apiVersion: '62.0',
      timeoutMs: 10_000,
      limiter: createRateLimiter({ max: 1000, intervalMs: 10_000 })
    })
  ]
  for (const connector of connectors) await connector.prepare()
  // Property set-up calls are not part of the measurement.
  const setupHubspot = hubspot.dump().requests.total
  const setupSalesforce = salesforce.dump().requests.total

  const inbox = createInbox({ pool, boss })
  const app = createApp({ pool, webhook: { inbox, secrets: [SECRET] }, logger, metrics })
  const server: Server = await new Promise((resolve) => { const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s)) })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/agentclara`
  const deliver = async (body: string) => {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-agentclara-signature': sign(body, SECRET) } })
    await response.arrayBuffer()
    return response.status
  }

  const workers = await startWorkers({ pool, boss, connectors, logger, metrics })
  try {
    // Phase 1: backlog. One conversation per customer, then its messages.
    const bodies: string[] = []
    const base = Date.UTC(2025, 0, 1)
    for (let c = 0; c < customers; c++) {
      bodies.push(JSON.stringify({ event: 'conversation.created', timestamp: new Date(base + c * 1000).toISOString(), data: { conversation_id: `conv_b${c}`, customer_id: `cust_b${c}`, customer_name: `Customer ${c}`, channel: 'sms', status: 'open' } }))
    }
    for (let m = 0; m < messagesPerCustomer; m++) {
      for (let c = 0; c < customers; c++) {
        bodies.push(JSON.stringify({ event: 'message.received', timestamp: new Date(base + c * 1000 + (m + 1) * 10).toISOString(), data: { conversation_id: `conv_b${c}`, message_id: `msg_b${c}_${m}`, sender: 'customer', content: `Message ${m} from customer ${c}`, channel: 'sms' } }))
      }
    }
    options.log(`sync: sending ${events} events over ${customers} customers`)
    const started = performance.now()
    let accepted = 0
    let next = 0
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string
        if (await deliver(body) === 200) accepted++
      }
    }))
    options.log(`sync: ${accepted} accepted in ${((performance.now() - started) / 1000).toFixed(1)} s; waiting for HubSpot`)

    const expected = customers * (1 + messagesPerCustomer)
    const deadline = performance.now() + (options.quick ? 120_000 : 240_000)
    let synced = 0
    while (performance.now() < deadline) {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM crm_records WHERE crm = \'hubspot\' AND status = \'synced\' AND entity_type IN (\'contact\', \'message\')')
      synced = rows[0]?.n ?? 0
      // Done when every record is synced AND no HubSpot sync job is left (a contact's final
      // state may be queued, deferred while the budget was the bottleneck): every call counts.
      const { rows: [left] } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-hubspot' AND state IN ('created', 'retry', 'active')")
      if (synced >= expected && left?.n === 0) break
      await sleep(250)
    }
    const drainSeconds = (performance.now() - started) / 1000
    options.log(`sync: ${synced}/${expected} HubSpot records synced after ${drainSeconds.toFixed(1)} s`)
    const hubspotState = hubspot.dump()
    const hubspotCalls = hubspotState.requests.total - setupHubspot
    const salesforceCalls = salesforce.dump().requests.total - setupSalesforce

    // Phase 2: steady rate, a new customer per event, lag from SQL timestamps.
    const hubspotBeforeSteady = hubspot.dump().requests.total
    const { rows: [mark] } = await pool.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM webhook_events')
    options.log(`sync: lag phase, ${lagRate} events/s for ${lagSeconds} s`)
    const sends: Array<Promise<number>> = []
    const lagStarted = performance.now()
    for (let i = 0; i < lagRate * lagSeconds; i++) {
      const due = lagStarted + (i * 1000) / lagRate
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      sends.push(deliver(JSON.stringify({ event: 'conversation.created', timestamp: new Date().toISOString(), data: { conversation_id: `conv_l${i}`, customer_id: `cust_l${i}`, customer_name: `Lag ${i}`, channel: 'sms', status: 'open' } })))
    }
    await Promise.all(sends)
    const lagQuery = `
      SELECT extract(epoch FROM (r.synced_at - w.received_at)) * 1000 AS ms
      FROM webhook_events w
      JOIN crm_records r ON r.crm = 'hubspot' AND r.entity_type = 'contact' AND r.entity_id = w.payload -> 'data' ->> 'customer_id'
      WHERE w.id > $1 AND r.status = 'synced'`
    const lagDeadline = performance.now() + 60_000
    let lags: number[] = []
    while (performance.now() < lagDeadline) {
      const { rows } = await pool.query<{ ms: string }>(lagQuery, [mark?.id ?? '0'])
      lags = rows.map((row) => Number(row.ms))
      if (lags.length >= lagRate * lagSeconds) break
      await sleep(500)
    }
    const steadySeconds = (performance.now() - lagStarted) / 1000
    const steadyCalls = hubspot.dump().requests.total - hubspotBeforeSteady
    lags.sort((a, b) => a - b)
    const quantile = (q: number) => lags.length === 0 ? null : lags[Math.min(lags.length - 1, Math.ceil(q * lags.length) - 1)] as number

    const { rows: [failed] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM crm_records WHERE status IN (\'dead\', \'retrying\')')
    const finalState = hubspot.dump()
    return {
      events,
      customers,
      accepted,
      latencyMs: LATENCY_MS,
      hubspotLimit: HUBSPOT_LIMIT,
      drainSeconds,
      hubspotRecordsPerSecond: synced / drainSeconds,
      hubspotCeilingRecordsPerSecond: (HUBSPOT_LIMIT.max / (HUBSPOT_LIMIT.intervalMs / 1000)) * 100,
      hubspotRequestsPerSecond: hubspotCalls / drainSeconds,
      hubspotCallsPer1000Events: (hubspotCalls / events) * 1000,
      hubspotContactUpsertCallsPer1000ContactUpdates: ((hubspotState.requests.byRoute['POST /crm/v3/objects/contacts/batch/upsert'] ?? 0) / events) * 1000,
      salesforceCallsPer1000Events: (salesforceCalls / events) * 1000,
      hubspotRequestsByRoute: hubspotState.requests.byRoute,
      hubspot429: finalState.requests.rateLimited,
      failedSyncJobs: failed?.n ?? 0,
      hubspotContacts: hubspotState.objects.contacts?.length ?? 0,
      hubspotCommunications: hubspotState.objects.communications?.length ?? 0,
      lag: { rate: lagRate, seconds: lagSeconds, samples: lags.length, p50: quantile(0.5), p99: quantile(0.99) },
      minimum: minimumCalls(customers, customers * messagesPerCustomer),
      hubspotCalls,
      salesforceCalls,
      hubspotLimitUsed: (hubspotCalls / drainSeconds) / (HUBSPOT_LIMIT.max / (HUBSPOT_LIMIT.intervalMs / 1000)),
      steady: {
        hubspotCallsPerSecond: steadyCalls / steadySeconds,
        hubspotCallsPerDay: (steadyCalls / steadySeconds) * 86_400,
        dailyQuota: HUBSPOT_DAILY_QUOTA,
        dailyQuotaShare: ((steadyCalls / steadySeconds) * 86_400) / HUBSPOT_DAILY_QUOTA
      }
    }
  } finally {
    await workers.stop()
    await inbox.drain()
    await new Promise((resolve) => server.close(resolve))
    await boss.stop({ graceful: false })
    await pool.end()
    await Promise.all([hubspot.close(), salesforce.close()])
  }
}
