import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import { startWorkers } from '../../workers/index.ts'
import type { Config } from '../config.ts'
import type { CrmName } from '../crm/connector.ts'
import { CrmSetupError } from '../crm/errors.ts'
import { connectorBuilders, type ConnectorHandle } from '../crm/registry.ts'
import { resyncAll } from '../crm/resync-all.ts'
import type { Metrics } from '../metrics.ts'

export interface SyncSide {
  crmNames: CrmName[]
  handles: ConnectorHandle[]
  bannerLines: string[]
  stop: () => Promise<void>
}

/**
 * Builds each configured CRM's connector (sandbox or real), prepares the CRM (HubSpot
 * properties, Salesforce External ID fields) and starts the workers. A CRM that is not
 * set up is disabled with an error naming what is missing; the other keeps working.
 */
export async function startSyncSide (deps: { config: Config, pool: pg.Pool, boss: PgBoss, logger: Logger, metrics: Metrics }): Promise<SyncSide> {
  const handles: ConnectorHandle[] = []
  const bannerLines: string[] = []
  for (const [name, build] of Object.entries(connectorBuilders) as Array<[CrmName, typeof connectorBuilders[CrmName]]>) {
    const handle = await build(deps.config, deps.metrics)
    if (!handle) {
      deps.logger.info({ crm: name }, 'CRM not configured; its sync is off')
      continue
    }
    try {
      await handle.connector.prepare(AbortSignal.timeout(60_000))
    } catch (error) {
      if (error instanceof CrmSetupError) {
        deps.logger.error({ crm: name, err: error }, `${name} disabled: ${error.message}`)
        console.error(`\n${name} sync is DISABLED: ${error.message}\n`)
        await handle.close()
        continue
      }
      // Unreachable right now is not misconfigured: sync on, jobs retry until it answers.
      deps.logger.warn({ crm: name, err: error }, `${name} could not be prepared yet; syncing anyway`)
    }
    handles.push(handle)
    if (handle.sandboxUrl) {
      const queued = await resyncAll(deps.pool, deps.boss, name)
      if (queued > 0) deps.logger.info({ crm: name, queued }, 'fresh sandbox: re-syncing every mirrored entity')
    }
    bannerLines.push(handle.sandboxUrl
      ? `  ${name.padEnd(11)}    sandbox at ${handle.sandboxUrl} (what it holds: ${handle.sandboxUrl}/__sandbox/state)`
      : `  ${name.padEnd(11)}    syncing to the real CRM`)
  }
  if (bannerLines.length > 0) bannerLines.unshift('', '  CRMs:')

  const workers = await startWorkers({ ...deps, connectors: handles.map((handle) => handle.connector), retentionDays: deps.config.retentionDays })
  return {
    crmNames: handles.map((handle) => handle.connector.name),
    handles,
    bannerLines,
    async stop () {
      await workers.stop()
      await Promise.all(handles.map((handle) => handle.close()))
    }
  }
}
