import { PgBoss, type Queue } from 'pg-boss'
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
    // How often a supervisor looks for jobs whose worker stopped heartbeating (default 60 s).
    superviseIntervalSeconds: 10,
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
  await ensureQueue(boss, APPLY_QUEUE, { ...queueOptions.apply, ...overrides })
  for (const crm of crms) await ensureQueue(boss, syncQueue(crm), { ...queueOptions.sync, ...overrides })
}

/** Creates the queue, or brings an existing one's retry/expiry/heartbeat options up to date. */
async function ensureQueue (boss: PgBoss, name: string, options: Omit<Queue, 'name' | 'deadLetter'>): Promise<void> {
  const { policy: _policy, partition: _partition, ...updatable } = options
  await boss.createQueue(name, { ...options, partition: true, notify: true })
  await boss.updateQueue(name, { ...updatable, notify: true })
}
