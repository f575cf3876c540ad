import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { Config } from '../config.ts'
import type { CrmConnector, SandboxEndpoint } from '../crm/connector.ts'
import { CrmSetupError } from '../crm/errors.ts'
import type { CrmDefinition } from '../crm/registry.ts'
import type { Metrics } from '../metrics.ts'
import { createRateBudget } from './rate-budget.ts'
import { createRateLimiter } from './rate-limiter.ts'
import { resyncAll } from './resync-all.ts'

export interface ConnectorHandle {
  connector: CrmConnector
  /** Set when the connector talks to a sandbox instead of the real CRM. */
  sandboxUrl?: string
  close: () => Promise<void>
}

export type StartSandbox = (crm: string) => Promise<(SandboxEndpoint & { close: () => Promise<void> }) | undefined>

/**
 * Builds one CRM's connector (real, or against its sandbox), with its rate limit,
 * timeout and request metrics. Undefined when the CRM is off in this configuration.
 */
export async function connectCrm (definition: CrmDefinition, deps: { config: Config, metrics: Metrics, startSandbox: StartSandbox, pool?: pg.Pool }): Promise<ConnectorHandle | undefined> {
  const target = definition.target(deps.config)
  if (target === 'off') return undefined
  const crm = definition.name
  const budget = definition.budget(deps.config)
  const connectorDeps = {
    timeoutMs: deps.config.crmTimeoutMs,
    // The service shares one budget per CRM across its processes; a one-off tool has its own.
    limiter: deps.pool
      ? createRateBudget({ pool: deps.pool, crm, settings: budget })
      : createRateLimiter({ max: Math.max(1, Math.floor(budget.limit * 0.95)), intervalMs: budget.windowMs }),
    onRequest: (status: number | 'timeout' | 'error') => deps.metrics.crmRequests.inc({ crm, status: String(status) })
  }
  if (target === 'real') return { connector: definition.connect(deps.config, connectorDeps), close: async () => {} }
  const sandbox = await deps.startSandbox(crm)
  if (!sandbox) throw new Error(`${crm} has no sandbox: set its credentials (see .env.example)`)
  return { connector: definition.connect(deps.config, connectorDeps, sandbox), sandboxUrl: sandbox.url, close: sandbox.close }
}

/**
 * Connects every CRM in the registry that this configuration enables and prepares it
 * (HubSpot properties, Salesforce External ID fields). A CRM that is not set up is
 * disabled with an error naming what is missing; the others keep working. A fresh
 * sandbox gets the whole mirror re-queued, so the demo always shows everything.
 */
export async function startConnectors (deps: {
  config: Config, pool: pg.Pool, boss: PgBoss, logger: Logger, metrics: Metrics, crms: readonly CrmDefinition[], startSandbox: StartSandbox
}): Promise<{ handles: ConnectorHandle[], bannerLines: string[] }> {
  const handles: ConnectorHandle[] = []
  const bannerLines: string[] = []
  for (const definition of deps.crms) {
    const name = definition.name
    const handle = await connectCrm(definition, deps)
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
  return { handles, bannerLines }
}
