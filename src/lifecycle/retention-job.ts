import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import { RETENTION_SCHEDULE, retentionPolicy } from './retention-policy.ts'
import { runAndRecordRetention } from './run-retention.ts'

export const RETENTION_QUEUE = 'data-retention'

/**
 * Runs the retention policy on a pg-boss cron schedule (hourly) and once at start-up.
 * The queue is `exclusive`: however many workers run, one retention job at a time. The
 * policy in force is written to `retention_policy` for the dashboard.
 */
export async function startRetentionJob (deps: { pool: pg.Pool, boss: PgBoss, logger: Logger, retentionDays: number }): Promise<{ stop: () => Promise<void> }> {
  const policy = retentionPolicy(deps.retentionDays)
  const log = deps.logger.child({ job: RETENTION_QUEUE })
  await deps.boss.createQueue(RETENTION_QUEUE, { policy: 'exclusive', retryLimit: 2, retryDelay: 300, expireInSeconds: 3600, notify: true })
  await deps.pool.query(`
    INSERT INTO retention_policy (retention_days, key_days, schedule) VALUES ($1, $2, $3)
    ON CONFLICT (id) DO UPDATE SET retention_days = $1, key_days = $2, schedule = $3, updated_at = now()`,
  [policy.retentionDays, policy.keyDays, RETENTION_SCHEDULE])
  await deps.boss.schedule(RETENTION_QUEUE, RETENTION_SCHEDULE, null, { tz: 'UTC', missed: 'once' })
  await deps.boss.work(RETENTION_QUEUE, { pollingIntervalSeconds: 60 }, async () => {
    const result = await runAndRecordRetention(deps.pool, policy)
    log.info({ ...policy, ...result }, 'retention: old payloads emptied')
  })
  await deps.boss.send(RETENTION_QUEUE, null)
  return { stop: () => deps.boss.offWork(RETENTION_QUEUE, { wait: true }) }
}
