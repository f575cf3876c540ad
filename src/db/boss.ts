import { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import { APPLY_QUEUE, queueOptions, syncQueue } from '../queues.ts'

/**
 * pg-boss on our database (its own schema). It installs/upgrades that schema on start.
 * Maintenance and scheduling stay on so any single process can run alone.
 */
export function createBoss (options: { connectionString: string, logger: Logger, max?: number }): PgBoss {
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: 'pgboss',
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    // Workers wake on NOTIFY when a job is inserted; polling stays as the backstop.
    useListenNotify: true,
    application_name: 'agentclara-crm-sync:pg-boss'
  })
  // pg-boss reports background failures (e.g. the database going away) as events; an
  // unhandled 'error' event would crash the process.
  boss.on('error', (error) => options.logger.warn({ err: error }, 'pg-boss background error'))
  return boss
}

/**
 * Creates our queues if missing. Idempotent and race-free (pg-boss inserts ON CONFLICT DO
 * NOTHING), so receivers and workers starting together may all call it. Hot queues get
 * their own partition: a stale-statistics plan flip on the shared job table was seen to
 * slow fetches 150×.
 */
export async function ensureQueues (boss: PgBoss, crms: readonly CrmName[], overrides: { retryDelay?: number, retryDelayMax?: number } = {}): Promise<void> {
  await boss.createQueue(APPLY_QUEUE, { ...queueOptions.apply, ...overrides, partition: true, notify: true })
  for (const crm of crms) await boss.createQueue(syncQueue(crm), { ...queueOptions.sync, ...overrides, partition: true, notify: true })
}
