// The composition root: the only place that reads the environment, opens pools, listens
// and handles signals. The process entry point (`workers/main.ts`) hands it the worker
// layer, so nothing in src/ imports workers/.
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import { createAdminRouter } from './admin/index.ts'
import { queueStats } from './admin/queries/queue-stats.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import type { CrmConnector } from './crm/connector.ts'
import { crmRegistry, type CrmDefinition } from './crm/registry.ts'
import { createBoss } from './db/boss.ts'
import { runMigrations } from './db/migrate.ts'
import { openDatabase } from './db/open-database.ts'
import { createPool, endPool } from './db/pool.ts'
import { resolveServiceSecrets } from './dev-secrets.ts'
import { createHttpApps } from './http/http-apps.ts'
import { listen, type HttpServer } from './http/http-server.ts'
import { createLogger } from './logger.ts'
import { createMetrics, type Metrics } from './metrics.ts'
import { createInbox } from './receiver/inbox.ts'
import { sandboxRegistry } from './sandbox/registry.ts'
import { startBanner } from './startup-banner.ts'
import type { CircuitSettings } from './sync/circuit.ts'
import { crmHealth } from './sync/crm-health.ts'
import { ensureQueues } from './sync/ensure-queues.ts'
import { syncQueue } from './sync/sync-queue.ts'
import { APPLY_QUEUE } from './mirror/apply-queue.ts'
import type { Tracing } from './tracing/start-tracing.ts'
import { traceUrlTemplate } from './tracing/wanted.ts'
import { startConnectors, type StartSandbox } from './sync/start-connectors.ts'

export type Role = 'all' | 'receiver' | 'worker'
const roles: Role[] = ['all', 'receiver', 'worker']

/** What the worker layer (workers/) needs to run the apply and sync workers. */
export interface WorkerDeps {
  pool: pg.Pool
  boss: PgBoss
  connectors: CrmConnector[]
  logger: Logger
  metrics: Metrics
  /** When a CRM's circuit opens and how often it is probed (defaults in src/sync/circuit.ts). */
  circuitSettings?: CircuitSettings
  /** RETENTION_DAYS (default 30): how long inbox payloads are kept. */
  retentionDays?: number
  /** Minutes between reconciliation passes per CRM (RECONCILE_INTERVAL_MINUTES); 0 or unset: off. */
  reconcileIntervalMinutes?: number
}
export type StartWorkers = (deps: WorkerDeps) => Promise<{ stop: () => Promise<void> }>

export interface RunningService {
  url: string
  stop: () => Promise<void>
}

export interface ServiceOptions {
  config: Config
  role: Role
  logger: Logger
  startWorkers: StartWorkers
  /** The CRMs to sync to: the registry, unless a test brings its own. */
  crms?: readonly CrmDefinition[]
  startSandbox?: StartSandbox
  /** Links the dashboard's trace ids into a trace viewer (TRACE_UI_URL). */
  traceUrl?: (traceId: string) => string
}

/**
 * Starts the parts of the service a role needs on one database: `receiver` (webhooks,
 * health, metrics, dashboard), `worker` (sandboxes when a CRM has no credentials, apply
 * and sync workers; health and metrics only over HTTP) or `all` of it in one process.
 */
export async function startService (options: ServiceOptions): Promise<RunningService> {
  const { config, role, logger } = options
  const crms = options.crms ?? crmRegistry
  const { webhookSecrets, adminToken, printable } = await resolveServiceSecrets(config)

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
  await runMigrations(database.url, (message) => logger.debug({ migration: message }, 'migrate'))
  const pool = createPool({ connectionString: database.url, logger, max: 20 })
  const boss = createBoss({ connectionString: database.url, logger })
  await boss.start()
  const enabled = crms.filter((definition) => definition.target(config) !== 'off')
  const budgets = enabled.map((definition) => ({ crm: definition.name, budget: definition.budget(config) }))
  const queueNames = [APPLY_QUEUE, ...enabled.map((definition) => syncQueue(definition.name))]
  const metrics = createMetrics({
    queueDepths: async () => (await boss.getQueues()).map((queue) => ({ queue: queue.name, depth: queue.queuedCount })),
    queueAges: async () => (await queueStats(pool, queueNames)).map((stats) => ({ queue: stats.name, seconds: stats.oldestWaitingSeconds })),
    crmHealth: () => crmHealth(pool, budgets)
  })
  await ensureQueues(boss, enabled.map((definition) => definition.name))

  let sync: { connectors: CrmConnector[], bannerLines: string[], stop: () => Promise<void> } | undefined
  if (role !== 'receiver') {
    const startSandbox = options.startSandbox ?? (async (crm: string) => sandboxRegistry[crm]?.())
    const { handles, bannerLines } = await startConnectors({ config, pool, boss, logger, metrics, crms: enabled, startSandbox })
    const connectors = handles.map((handle) => handle.connector)
    const workers = await options.startWorkers({
      pool, boss, connectors, logger, metrics, retentionDays: config.retentionDays, reconcileIntervalMinutes: config.reconcileIntervalMinutes
    })
    sync = {
      connectors,
      bannerLines,
      async stop () {
        await workers.stop()
        await Promise.all(handles.map((handle) => handle.close()))
      }
    }
  }

  const inbox = createInbox({ pool, boss })
  // The dashboard lives with the receiver; a receiver-only process knows the CRMs from config.
  const adminCrms = sync
    ? sync.connectors.map((connector) => ({ name: connector.name, recordUrl: connector.recordUrl?.bind(connector), mapping: connector.describeMapping?.() }))
    : enabled.map((definition) => ({ name: definition.name, mapping: definition.describeMapping?.(config) }))
  const routers = role !== 'worker' && adminToken
    ? [createAdminRouter({
        pool,
        boss,
        adminToken,
        logger,
        crms: adminCrms,
        crmHealth: () => crmHealth(pool, budgets),
        secureCookies: config.env === 'production',
        sessionIdleMinutes: config.adminSessionIdleMinutes,
        traceUrl: options.traceUrl
      })]
    : []
  // A worker serves health and metrics only: a delivery sent to it by mistake gets a 404,
  // not a 401 that would look like a forged signature.
  const webhook = role === 'worker' ? undefined : { inbox, secrets: webhookSecrets }
  const apps = createHttpApps({ pool, webhook, logger, metrics, routers, separateAdmin: config.adminPort !== undefined })
  let http: HttpServer | undefined = await listen(apps.public, config.port, config.host)
  let adminHttp: HttpServer | undefined = apps.admin && await listen(apps.admin, config.adminPort ?? 0, config.adminHost)
  const urlOf = (server: HttpServer, host: string) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.server.address() as { port: number }).port}`
  const url = urlOf(http, config.host)
  const adminUrl = adminHttp ? urlOf(adminHttp, config.adminHost) : url

  if (role !== 'worker') {
    console.log(startBanner({
      baseUrl: url,
      secret: printable.webhookSecret,
      showSecret: printable.webhookSecret !== undefined,
      extraLines: [
        `  Dashboard:     ${adminUrl}/admin${printable.adminToken ? `   (admin token: ${printable.adminToken})` : ''}`,
        ...(sync?.bannerLines ?? [])
      ]
    }))
  }
  logger.info({ role, url, adminUrl, embeddedDatabase: database.embedded, crms: sync?.connectors.map((c) => c.name) ?? [] }, 'started')

  return {
    url,
    async stop () {
      // Order matters: stop taking requests and let in-flight ones commit, then stop the
      // workers (active jobs go back to the queue), then close pools and the database.
      await Promise.all([http?.stop(), adminHttp?.stop()])
      http = adminHttp = undefined
      await inbox.drain()
      await sync?.stop()
      await boss.stop({ graceful: true, timeout: 15_000 })
      await endPool(pool)
      await database.stop()
      logger.info('stopped')
    }
  }
}

/** Runs the service as a process: role from argv (or ROLE), config from the environment, signals. */
export async function main (options: { argv: string[], env: NodeJS.ProcessEnv, startWorkers: StartWorkers, tracing?: Tracing }): Promise<void> {
  const role = (options.argv[0] ?? options.env.ROLE ?? 'all') as Role
  if (!roles.includes(role)) {
    console.error(`Unknown role "${role}": use one of ${roles.join(', ')}`)
    process.exit(2)
  }

  let config
  try {
    config = loadConfig(options.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }

  const logger = createLogger({ level: config.logLevel })
  const service = await startService({ config, role, logger, startWorkers: options.startWorkers, traceUrl: traceUrlTemplate(options.env) }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'start-up failed')
    console.error(`start-up failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })

  let stopping = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'shutting down')
      // Spans still batched in memory are sent before the process exits.
      service.stop().then(() => options.tracing?.shutdown()).then(
        () => process.exit(0),
        (error: unknown) => { logger.error({ err: error }, 'unclean shutdown'); process.exit(1) }
      )
    })
  }
}
