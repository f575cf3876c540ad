import { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'

/** The schema pg-boss keeps its tables in. */
export const BOSS_SCHEMA = 'pgboss'

/**
 * pg-boss on our database (its own schema). It installs/upgrades that schema on start.
 * Maintenance and scheduling stay on so any single process can run alone.
 */
export function createBoss (options: { connectionString: string, logger: Logger, max?: number }): PgBoss {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: BOSS_SCHEMA,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    // Workers wake on NOTIFY when a job is inserted; polling stays as the backstop.
    useListenNotify: true,
    // How often a supervisor looks for jobs whose worker stopped heartbeating (default 60 s).
    superviseIntervalSeconds: 10,
    application_name: 'agentclara-crm-sync:pg-boss',
    // pg-boss's own tracing stores one trace context per insert() call, but one group commit
    // inserts many deliveries' jobs at once; each job carries its delivery's context in its
    // data instead (src/tracing/job-spans.ts), and pg-boss's spans would only add unparented
    // per-batch traces.
    openTelemetry: { enabled: false }
  })
  // pg-boss reports background failures (e.g. the database going away) as events; an
  // unhandled 'error' event would crash the process.
  boss.on('error', (error) => options.logger.warn({ err: error }, 'pg-boss background error'))
  return boss
}
