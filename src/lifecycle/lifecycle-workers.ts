import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../crm/connector.ts'
import { startErasureWorker } from './erasure-job.ts'
import { startRetentionJob } from './retention-job.ts'

/** The data-lifecycle jobs a worker process runs: scheduled retention and erasures. */
export async function startLifecycleWorkers (deps: {
  pool: pg.Pool, boss: PgBoss, connectors: readonly CrmConnector[], logger: Logger, retentionDays: number
}): Promise<{ stop: () => Promise<void> }> {
  const retention = await startRetentionJob(deps)
  const erasure = await startErasureWorker({ ...deps, logger: deps.logger.child({ worker: 'erasure' }) })
  return {
    async stop () {
      await Promise.all([retention.stop(), erasure.stop()])
    }
  }
}
