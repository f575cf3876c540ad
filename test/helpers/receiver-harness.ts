import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { createBoss } from '../../src/db/boss.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { crmRegistry } from '../../src/crm/registry.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createMetrics, type Metrics } from '../../src/metrics.ts'
import { createApp } from '../../src/http/create-app.ts'
import { createInbox, type Inbox } from '../../src/receiver/inbox.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

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

/** A migrated database of its own, pg-boss, and the real receiver app (no port). */
export async function startReceiverHarness (options: { secrets?: string[] } = {}): Promise<ReceiverHarness> {
  const database = await createTestDatabase()
  await runMigrations(database.url)
  const logger = createLogger({ level: 'silent' })
  const pool = createPool({ connectionString: database.url, logger })
  const boss = createBoss({ connectionString: database.url, logger })
  await boss.start()
  await ensureQueues(boss, crmRegistry.map((crm) => crm.name))
  const metrics = createMetrics({ defaultMetrics: false })
  const inbox = createInbox({ pool, boss })
  const app = createApp({ pool, webhook: { inbox, secrets: options.secrets ?? [TEST_SECRET] }, logger, metrics })
  return {
    database,
    pool,
    boss,
    inbox,
    metrics,
    app,
    async close () {
      await inbox.drain()
      await boss.stop({ graceful: false })
      await pool.end()
      await database.drop()
    }
  }
}

export async function countRows (pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(sql, values)
  return Number(rows[0]?.count)
}

export const countInbox = (pool: pg.Pool) => countRows(pool, 'SELECT count(*) FROM webhook_events')
export const countApplyJobs = (pool: pg.Pool) => countRows(pool, "SELECT count(*) FROM pgboss.job WHERE name = 'apply-event'")
