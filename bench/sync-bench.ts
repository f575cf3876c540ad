import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHubspotConnector } from '../src/crm/hubspot/index.ts'
import { createRateBudget } from '../src/sync/rate-budget.ts'
import { defaultBudget } from './default-budget.ts'
import { hubspotDefinition } from '../src/crm/hubspot/definition.ts'
import { salesforceDefinition } from '../src/crm/salesforce/definition.ts'
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
import { createApplyHandler } from '../workers/apply-worker.ts'
import { applyOptions, startWorkers } from '../workers/start-workers.ts'
import { APPLY_QUEUE } from '../src/mirror/apply-queue.ts'
import { startCallMeter, type CallTimeline } from './call-meter.ts'
import { customerBursts, eventCount, minimumCalls, recordCount, type MinimumCalls, type Workload } from './sync-workload.ts'
import { freshDatabase } from './ingest-bench.ts'
import { lagStages } from './lag-stages.ts'
import { quantileOf } from './quantile.ts'

/** What one burst of the phase-1 workload cost in CRM calls. */
export interface BurstCalls {
  hubspotCalls: number
  salesforceCalls: number
  hubspotByRoute: Record<string, number>
  /** From the first call of the phase until every record is in HubSpot and no HubSpot job is left. */
  drainSeconds: number
  /** Every record of the burst reached HubSpot before the cap. */
  complete: boolean
}

export interface SyncResult {
  events: number
  customers: number
  latencyMs: number
  hubspotLimit: { max: number, intervalMs: number }
  minimum: MinimumCalls
  /** Phase 0, issue 12's "new user": 600 customers, each a conversation, 3 messages and an appointment, sent at once. */
  firstDay: BurstCalls & { accepted: number, sendSeconds: number, events: number, minimum: MinimumCalls }
  /** Phase 1: the burst sent while the workers sync. */
  live: BurstCalls & { accepted: number, sendSeconds: number }
  /** Phase 2: the same burst already in the mirror when the sync workers start: the backlog drain. */
  backlog: BurstCalls & { hubspot: CallTimeline }
  hubspot429: number
  failedSyncJobs: number
  /** The steady phase's lag, over the `seconds` after `warmupSeconds`; `fromStart`: over the whole phase from its first event. */
  lag: LagSummary & { rate: number, warmupSeconds: number, seconds: number, stages: LagStages, fromStart: LagSummary }
  /** The same lag to Salesforce's Contact: its calls are paced by its daily quota, not a window. */
  salesforceLag: LagSummary & { stages: LagStages, fromStart: LagSummary }
  /** HubSpot and Salesforce calls / s during the steady phase, and what a day of it costs. */
  steady: {
    hubspotCallsPerSecond: number
    hubspotCallsPerDay: number
    dailyQuota: number
    dailyQuotaShare: number
    salesforceCallsPerSecond: number
    salesforceCallsPerDay: number
    /** The org's daily API request limit our default budget assumes (src/crm/salesforce/definition.ts). */
    salesforceDailyQuota: number
    salesforceDailyQuotaShare: number
  }
}

type LagStages = Awaited<ReturnType<typeof lagStages>>
/** A lag's samples and percentiles (ms). */
interface LagSummary { samples: number, p50: number | null, p99: number | null }

/** The steady phase's customers (LIKE patterns): the measured ones are cust_l…, the warm-up's cust_w…. */
const MEASURED_CUSTOMERS = 'cust\\_l%'
const STEADY_CUSTOMERS = 'cust\\_%'

const HUBSPOT_DAILY_QUOTA = 250_000
const SECRET = 'bench-sync-secret'
const HUBSPOT_LIMIT = { max: 100, intervalMs: 10_000 }
const LATENCY_MS = 50
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The whole pipeline in this process (wiring copied from test/helpers/sync-harness.ts):
 * receiver over HTTP on loopback, apply + sync workers, both CRM sandboxes over HTTP
 * driven by the real client libraries.
 * - Phase 0 (first day, issue 12's new user): 600 customers, each a conversation, 3 messages
 *   and an appointment, sent at once while everything runs; its calls against its minimum.
 * - Phase 1 (live): `customers` × (1 conversation + 4 messages) sent with 20 concurrent
 *   requests while everything runs; time until every record is in HubSpot.
 * - Phase 2 (backlog): the same burst for new customers, applied to the mirror with the
 *   sync workers stopped (as after an outage or a deploy); then the workers start and we
 *   time the drain and sample HubSpot's request counter to see the limit used throughout.
 * - Phase 3 (steady): 100 new customers a second; receive → contact-synced lag in each CRM,
 *   measured over 30 s after 5 s of warm-up (and over the whole phase, as before run BC).
 */
export async function benchSync (options: { clusterUrl: string, quick: boolean, log: (line: string) => void }): Promise<SyncResult> {
  const customers = options.quick ? 400 : 2000
  const burst: Workload = { customers, messages: 4, appointment: false }
  const firstDayLoad: Workload = { customers: options.quick ? 200 : 600, messages: 3, appointment: true }
  const events = eventCount(burst)
  const lagRate = 100
  const lagSeconds = options.quick ? 5 : 30
  // In a full run, longer than two of Salesforce's steady call spacings (1.73 s at its default daily share).
  const lagWarmupSeconds = options.quick ? 1 : 5
  const capMs = options.quick ? 120_000 : 240_000

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
      limiter: createRateBudget({ pool, crm: 'hubspot', settings: defaultBudget(hubspotDefinition) })
    }),
    createSalesforceConnector({
      loginUrl: salesforceUrl,
      clientId: salesforce.clientId,
      clientSecret: salesforce.clientSecret,
      apiVersion: '62.0',
      timeoutMs: 10_000,
      limiter: createRateBudget({ pool, crm: 'salesforce', settings: defaultBudget(salesforceDefinition) })
    })
  ]
  for (const connector of connectors) await connector.prepare()
  const hubspotCount = () => hubspot.requestStats().total
  const salesforceCount = () => salesforce.requestStats().total

  const inbox = createInbox({ pool, boss })
  const app = createApp({ pool, webhook: { inbox, secrets: [SECRET] }, logger, metrics })
  const server: Server = await new Promise((resolve) => { const s = createServer(app).listen(0, '127.0.0.1', () => resolve(s)) })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/agentclara`
  const deliver = async (body: string) => {
    const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-agentclara-signature': sign(body, SECRET) } })
    await response.arrayBuffer()
    return response.status
  }
  const sendAll = async (bodies: string[]) => {
    let accepted = 0
    let next = 0
    await Promise.all(Array.from({ length: 20 }, async () => {
      while (next < bodies.length) {
        if (await deliver(bodies[next++] as string) === 200) accepted++
      }
    }))
    return accepted
  }
  /** Until every record of `tag` is synced to HubSpot and no HubSpot job is left. */
  const waitForHubspot = async (tag: string, load: Workload, from: number) => {
    const deadline = performance.now() + capMs
    for (;;) {
      const { rows: [row] } = await pool.query<{ synced: number, left: number }>(`
        SELECT (SELECT count(*)::int FROM crm_records WHERE crm = 'hubspot' AND status = 'synced'
                  AND ((entity_type = 'contact' AND entity_id LIKE $1) OR (entity_type = 'message' AND entity_id LIKE $2)
                    OR (entity_type = 'appointment' AND entity_id LIKE $3))) AS synced,
               (SELECT count(*)::int FROM pgboss.job WHERE name = 'sync-hubspot' AND state IN ('created', 'retry', 'active')) AS left`,
      [`cust_${tag}%`, `msg_${tag}%`, `appt_${tag}%`])
      // Every call counts: a contact's final state may still be queued (deferred while the budget was the bottleneck).
      const complete = (row?.synced ?? 0) >= load.customers + recordCount(load) && row?.left === 0
      if (complete || performance.now() > deadline) return { complete, drainSeconds: (performance.now() - from) / 1000 }
      await sleep(100)
    }
  }
  /** A burst sent while every worker runs: its calls, and how long until HubSpot has all of it. */
  const liveBurst = async (tag: string, load: Workload, label: string) => {
    options.log(`sync ${label}: sending ${eventCount(load)} events over ${load.customers} customers`)
    const before = { hubspot: hubspot.requestStats(), salesforce: salesforceCount() }
    const started = performance.now()
    const accepted = await sendAll(customerBursts(tag, load))
    const sendSeconds = (performance.now() - started) / 1000
    const drain = await waitForHubspot(tag, load, started)
    const hubspotPart = callsSince(before)
    // Salesforce's calls once it has written everything too (it may finish after HubSpot).
    await waitForSalesforceIdle()
    const result = { accepted, sendSeconds, ...drain, ...hubspotPart, salesforceCalls: salesforceCount() - before.salesforce }
    options.log(`sync ${label}: ${accepted} accepted in ${sendSeconds.toFixed(1)} s, drained in ${result.drainSeconds.toFixed(1)} s, ${result.hubspotCalls} HubSpot / ${result.salesforceCalls} Salesforce calls`)
    // The next phase starts with an empty window: HubSpot's forgets this one after 10 s.
    await sleep(HUBSPOT_LIMIT.intervalMs + 500)
    return result
  }
  const callsSince = (before: { hubspot: ReturnType<typeof hubspot.requestStats>, salesforce: number }) => {
    const after = hubspot.requestStats()
    return {
      hubspotCalls: after.total - before.hubspot.total,
      salesforceCalls: salesforceCount() - before.salesforce,
      hubspotByRoute: Object.fromEntries(Object.entries(after.byRoute).map(([route, n]) => [route, n - (before.hubspot.byRoute[route] ?? 0)]).filter(([, n]) => Number(n) > 0))
    }
  }

  let workers = await startWorkers({ pool, boss, connectors, logger, metrics })
  try {
    // Phase 0: the new user; phase 1: the larger burst, both while everything runs.
    const firstDay = { ...await liveBurst('f', firstDayLoad, 'first day'), events: eventCount(firstDayLoad), minimum: minimumCalls(firstDayLoad) }
    const live = await liveBurst('b', burst, 'live')

    // Phase 2: backlog. Sync workers stopped; only the apply worker runs while it arrives, flat
    // out (no give-way): this only builds the backlog, and the drain is timed from the sync's start.
    await workers.stop()
    await boss.work(APPLY_QUEUE, applyOptions,
      createApplyHandler({ pool, boss, crms: connectors.map((c) => c.name), logger }))
    options.log(`sync backlog: ${await sendAll(customerBursts('k', burst))} events accepted with the sync stopped; applying`)
    for (;;) {
      const { rows } = await pool.query<{ state: string, n: number }>('SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state', [APPLY_QUEUE])
      if (!rows.some((row) => ['created', 'retry', 'active'].includes(row.state))) break
      await sleep(200)
    }
    await boss.offWork(APPLY_QUEUE, { wait: true })
    const backlogBefore = { hubspot: hubspot.requestStats(), salesforce: salesforceCount() }
    const hubspotMeter = startCallMeter({ count: hubspotCount, limit: HUBSPOT_LIMIT })
    const backlogStarted = performance.now()
    workers = await startWorkers({ pool, boss, connectors, logger, metrics })
    const backlogDrain = await waitForHubspot('k', burst, backlogStarted)
    const backlogHubspot = { ...callsSince(backlogBefore), hubspot: hubspotMeter.stop() }
    await waitForSalesforceIdle()
    const backlog = { ...backlogDrain, ...backlogHubspot, salesforceCalls: salesforceCount() - backlogBefore.salesforce }
    options.log(`sync backlog: drained in ${backlog.drainSeconds.toFixed(1)} s, ${backlog.hubspotCalls} HubSpot calls (${(backlog.hubspot.used * 100).toFixed(0)} % of the limit), ${backlog.salesforceCalls} Salesforce`)

    // Phase 3: steady rate, a new customer per event, lag from SQL timestamps. Measured after a
    // warm-up, as a steady state is: started cold, the phase's first event was fetched at once
    // (the CRM's calls then keep their spacing from it), so the window began on a fetch while it
    // ended anywhere within a call's spacing. Its last, part-filled spacing held only changes that
    // wait longer than half of it (57 of 3 000 in one run, all waiting over 1.1 s for Salesforce's
    // next call), with none to balance them: by their share alone they raise the p50 by about
    // 17 ms. After a warm-up the window starts anywhere within a spacing too, and the two
    // partial spacings balance.
    const { rows: [mark] } = await pool.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM webhook_events')
    options.log(`sync steady: ${lagRate} events/s, ${lagWarmupSeconds} s of warm-up then ${lagSeconds} s measured`)
    const warmupEvents = lagRate * lagWarmupSeconds
    const measuredEvents = lagRate * lagSeconds
    let hubspotBeforeSteady = hubspotCount()
    let salesforceBeforeSteady = salesforceCount()
    const sends: Array<Promise<number>> = []
    const lagStarted = performance.now()
    let measuredStarted = lagStarted
    for (let i = 0; i < warmupEvents + measuredEvents; i++) {
      const due = lagStarted + (i * 1000) / lagRate
      const wait = due - performance.now()
      if (wait > 0) await sleep(wait)
      if (i === warmupEvents) {
        measuredStarted = performance.now()
        hubspotBeforeSteady = hubspotCount()
        salesforceBeforeSteady = salesforceCount()
      }
      // cust_w…: the warm-up's customers; cust_l…: the measured ones.
      const customer = `cust_${i < warmupEvents ? 'w' : 'l'}${i}`
      sends.push(deliver(JSON.stringify({ event: 'conversation.created', timestamp: new Date().toISOString(), data: { conversation_id: `conv_${customer}`, customer_id: customer, customer_name: `Lag ${i}`, channel: 'sms', status: 'open' } })))
    }
    await Promise.all(sends)
    const lagQuery = `
      SELECT extract(epoch FROM (r.synced_at - w.received_at)) * 1000 AS ms
      FROM webhook_events w
      JOIN crm_records r ON r.crm = $2 AND r.entity_type = 'contact' AND r.entity_id = w.payload -> 'data' ->> 'customer_id'
      WHERE w.id > $1 AND r.status = 'synced' AND w.payload -> 'data' ->> 'customer_id' LIKE $3`
    /** Each new customer's receive → its contact synced in `crm`, once every one is (or a minute has passed). */
    const lagsIn = async (crm: string, customers: string, expected: number) => {
      const deadline = performance.now() + 60_000
      let lags: number[] = []
      while (performance.now() < deadline) {
        const { rows } = await pool.query<{ ms: string }>(lagQuery, [mark?.id ?? '0', crm, customers])
        lags = rows.map((row) => Number(row.ms))
        if (lags.length >= expected) break
        await sleep(500)
      }
      return lags.sort((a, b) => a - b)
    }
    /** p50 / p99 of `lagsIn`. */
    const lagSummary = async (crm: string, customers: string, expected: number): Promise<LagSummary> => {
      const lags = await lagsIn(crm, customers, expected)
      return { samples: lags.length, p50: quantileOf(lags, 0.5), p99: quantileOf(lags, 0.99) }
    }
    const hubspotLag = await lagSummary('hubspot', MEASURED_CUSTOMERS, measuredEvents)
    const steadySeconds = (performance.now() - measuredStarted) / 1000
    const steadyCalls = hubspotCount() - hubspotBeforeSteady
    const steadySalesforceCalls = salesforceCount() - salesforceBeforeSteady
    const salesforceDailyQuota = defaultBudget(salesforceDefinition).dailyLimit
    // After the steady calls are counted: waiting for Salesforce must not stretch HubSpot's seconds.
    const salesforceLag = await lagSummary('salesforce', MEASURED_CUSTOMERS, measuredEvents)
    // The whole phase from its first event, warm-up included: how the lag was measured until run BB.
    const hubspotFromStart = await lagSummary('hubspot', STEADY_CUSTOMERS, warmupEvents + measuredEvents)
    const salesforceFromStart = await lagSummary('salesforce', STEADY_CUSTOMERS, warmupEvents + measuredEvents)

    const [hubspotStages, salesforceStages] = await Promise.all([lagStages(pool, 'hubspot', mark?.id ?? '0', MEASURED_CUSTOMERS), lagStages(pool, 'salesforce', mark?.id ?? '0', MEASURED_CUSTOMERS)])
    const { rows: [failed] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM crm_records WHERE status IN (\'dead\', \'retrying\')')
    return {
      events,
      customers,
      latencyMs: LATENCY_MS,
      hubspotLimit: HUBSPOT_LIMIT,
      minimum: minimumCalls(burst),
      firstDay,
      live,
      backlog,
      hubspot429: hubspot.requestStats().rateLimited,
      failedSyncJobs: failed?.n ?? 0,
      lag: { rate: lagRate, warmupSeconds: lagWarmupSeconds, seconds: lagSeconds, ...hubspotLag, stages: hubspotStages, fromStart: hubspotFromStart },
      salesforceLag: { ...salesforceLag, stages: salesforceStages, fromStart: salesforceFromStart },
      steady: {
        hubspotCallsPerSecond: steadyCalls / steadySeconds,
        hubspotCallsPerDay: (steadyCalls / steadySeconds) * 86_400,
        dailyQuota: HUBSPOT_DAILY_QUOTA,
        dailyQuotaShare: ((steadyCalls / steadySeconds) * 86_400) / HUBSPOT_DAILY_QUOTA,
        salesforceCallsPerSecond: steadySalesforceCalls / steadySeconds,
        salesforceCallsPerDay: (steadySalesforceCalls / steadySeconds) * 86_400,
        salesforceDailyQuota,
        salesforceDailyQuotaShare: ((steadySalesforceCalls / steadySeconds) * 86_400) / salesforceDailyQuota
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

  /** Phases start clean: Salesforce may still be writing the previous phase's last records. */
  async function waitForSalesforceIdle (): Promise<void> {
    const deadline = performance.now() + capMs
    while (performance.now() < deadline) {
      const { rows: [row] } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-salesforce' AND state IN ('created', 'retry', 'active')")
      if (row?.n === 0) return
      await sleep(200)
    }
  }
}
