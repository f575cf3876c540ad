import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { createBoss } from '../../src/db/boss.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { crmRegistry } from '../../src/crm/registry.ts'
import { createPool } from '../../src/db/pool.ts'
import { createMetrics, type Metrics } from '../../src/metrics.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createInbox, type Inbox } from '../../src/receiver/inbox.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'
import { createCleanup } from './cleanup.ts'
import { testLogger } from './test-logger.ts'

export const TEST_SECRET = 'test-secret-1'

export interface ReceiverHarness {
  database: TestDatabase
  pool: pg.Pool
  boss: PgBoss
  inbox: Inbox
  metrics: Metrics
  app: ReturnType<typeof createApp>
  close: () => Promise<void>
}

/** A database of its own (cloned from the migrated template), pg-boss, and the real receiver app (no port). */
export async function startReceiverHarness (options: { secrets?: string[] } = {}): Promise<ReceiverHarness> {
  const cleanup = createCleanup()
  return cleanup.guard(async () => {
    const database = await createTestDatabase()
    cleanup.defer(() => database.drop())
    const logger = testLogger()
    const pool = createPool({ connectionString: database.url, logger })
    cleanup.defer(() => pool.end())
    const boss = createBoss({ connectionString: database.url, logger })
    cleanup.defer(() => boss.stop({ graceful: false }))
    await boss.start()
    await ensureQueues(boss, crmRegistry.map((crm) => crm.name))
    const metrics = createMetrics({ defaultMetrics: false })
    const inbox = createInbox({ pool, boss })
    cleanup.defer(() => inbox.drain())
    const app = createApp({ pool, webhook: { inbox, secrets: options.secrets ?? [TEST_SECRET] }, logger, metrics })
    return { database, pool, boss, inbox, metrics, app, close: cleanup.close }
  })
}

export async function countRows (pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(sql, values)
  return Number(rows[0]?.count)
}

export const countInbox = (pool: pg.Pool) => countRows(pool, 'SELECT count(*) FROM webhook_events')
/** Events queued for the apply worker: a job names one event (a retry) or many (a group commit). */
export const countQueuedApplyEvents = (pool: pg.Pool) => countRows(pool,
  "SELECT coalesce(sum(CASE WHEN data ? 'events' THEN jsonb_array_length(data->'events') ELSE 1 END), 0) AS count FROM pgboss.job WHERE name = 'apply-event'")
/** The apply jobs that name event $1. */
export const APPLY_JOBS_OF_EVENT = "SELECT count(*) FROM pgboss.job WHERE name = 'apply-event' AND (data->>'eventId' = $1 OR data->'events' @> jsonb_build_array(jsonb_build_object('id', $1::text)))"
