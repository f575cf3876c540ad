import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import { createAdminRouter } from '../admin/index.ts'
import { createBoss, ensureQueues } from '../db/boss.ts'
import { runMigrations } from '../db/migrate.ts'
import { createPool } from '../db/pool.ts'
import { loadOrCreateDevSecrets } from '../dev-secrets.ts'
import { createMetrics } from '../metrics.ts'
import { createHttpApps } from '../http/http-apps.ts'
import { createInbox } from '../receiver/inbox.ts'
import { startBanner } from './banner.ts'
import { openDatabase } from './database.ts'
import { listen, type HttpServer } from './http-server.ts'
import { startSyncSide } from './start-sync-side.ts'

export type Role = 'all' | 'receiver' | 'worker'

export interface RunningService {
  url: string
  stop: () => Promise<void>
}

/**
 * Starts the parts of the service a role needs on one database: `receiver` (webhooks,
 * health, metrics, dashboard), `worker` (sandboxes when a CRM has no credentials, apply
 * and sync workers) or `all` of it in one process.
 */
export async function startService (options: { config: Config, role: Role, logger: Logger }): Promise<RunningService> {
  const { config, role, logger } = options
  const secrets = config.env === 'production' ? undefined : await loadOrCreateDevSecrets(config.dataDir)
  const webhookSecrets = config.webhookSecrets ?? (secrets ? [secrets.webhookSecret] : [])
  const adminToken = config.adminToken ?? secrets?.adminToken

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger })
  await runMigrations(database.url, (message) => logger.debug({ migration: message }, 'migrate'))
  const pool = createPool({ connectionString: database.url, logger, max: 20 })
  const boss = createBoss({ connectionString: database.url, logger })
  await boss.start()
  const metrics = createMetrics({
    queueDepths: async () => (await boss.getQueues()).map((queue) => ({ queue: queue.name, depth: queue.queuedCount }))
  })

  await ensureQueues(boss, ['hubspot', 'salesforce'])
  const sync = role !== 'receiver' ? await startSyncSide({ config, pool, boss, logger, metrics }) : undefined

  const inbox = createInbox({ pool, boss })
  // The dashboard lives with the receiver; a receiver-only process knows the CRMs from config.
  const crms = sync
    ? sync.handles.map(({ connector }) => ({ name: connector.name, recordUrl: connector.recordUrl?.bind(connector) }))
    : (['hubspot', 'salesforce'] as const).filter((name) => config[name]).map((name) => ({ name }))
  const routers = role !== 'worker' && adminToken
    ? [createAdminRouter({ pool, boss, adminToken, logger, crms, secureCookies: config.env === 'production', sessionIdleMinutes: config.adminSessionIdleMinutes })]
    : []
  const apps = createHttpApps({ pool, inbox, secrets: role === 'worker' ? [] : webhookSecrets, logger, metrics, routers, separateAdmin: config.adminPort !== undefined })
  let http: HttpServer | undefined = await listen(apps.public, config.port, config.host)
  let adminHttp: HttpServer | undefined = apps.admin && await listen(apps.admin, config.adminPort ?? 0, config.adminHost)
  const urlOf = (server: HttpServer, host: string) => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.server.address() as { port: number }).port}`
  const url = urlOf(http, config.host)
  const adminUrl = adminHttp ? urlOf(adminHttp, config.adminHost) : url

  if (role !== 'worker') {
    console.log(startBanner({
      baseUrl: url,
      secret: webhookSecrets[0],
      showSecret: config.env !== 'production',
      extraLines: [
        `  Dashboard:     ${adminUrl}/admin${config.env !== 'production' && adminToken ? `   (admin token: ${adminToken})` : ''}`,
        ...(sync?.bannerLines ?? [])
      ]
    }))
  }
  logger.info({ role, url, adminUrl, embeddedDatabase: database.embedded, crms: sync?.crmNames ?? [] }, 'started')

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
      await pool.end()
      await database.stop()
      logger.info('stopped')
    }
  }
}
