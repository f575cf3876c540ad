import type pg from 'pg'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import { DATABASE_NOW_MS } from '../db/database-clock.ts'
import { createDemandMeter, DEMAND_WINDOW_MS, ratePerSecond, type DemandMeter, type Fetch } from './demand-meter.ts'

/**
 * A demand meter whose fetches every worker process records in PostgreSQL
 * (`crm_sync_demand`, migration 061), so each reads the deployment's demand against the
 * deployment's budget: with N processes, each counting its own share read 1/N of it, and the
 * pacing switched on late. `meter` names what is counted (new changes, or every job). If the
 * database cannot be reached the meter counts this process's own fetches instead.
 */
export function createSharedDemandMeter (deps: { pool: pg.Pool, crm: CrmName, meter: string, windowMs?: number, logger?: Logger }): DemandMeter {
  const windowMs = deps.windowMs ?? DEMAND_WINDOW_MS
  const own = createDemandMeter({ windowMs })
  const fallBack = (error: unknown) => deps.logger?.warn({ crm: deps.crm, meter: deps.meter, err: error }, 'sync: demand unavailable in the database, counting this process\'s own')
  return {
    async record (jobs, queuedMs = 0) {
      await own.record(jobs, queuedMs)
      await deps.pool.query(`
        WITH forgotten AS (DELETE FROM crm_sync_demand WHERE crm = $1 AND meter = $2 AND at <= ${DATABASE_NOW_MS} - $4)
        INSERT INTO crm_sync_demand (crm, meter, at, jobs, from_at) VALUES ($1, $2, ${DATABASE_NOW_MS}, $3, ${DATABASE_NOW_MS} - $5)`,
      [deps.crm, deps.meter, jobs, windowMs, queuedMs]).catch(fallBack)
    },
    async perSecond () {
      try {
        const { rows } = await deps.pool.query<Fetch & { now: number }>(`
          SELECT at, jobs, from_at AS "from", ${DATABASE_NOW_MS} AS now FROM crm_sync_demand
          WHERE crm = $1 AND meter = $2 AND at > ${DATABASE_NOW_MS} - $3 ORDER BY at`, [deps.crm, deps.meter, windowMs])
        return ratePerSecond(rows, rows[0]?.now ?? 0, windowMs)
      } catch (error) {
        fallBack(error)
        return await own.perSecond()
      }
    }
  }
}
