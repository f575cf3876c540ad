import { after, before } from 'node:test'
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { createBoss } from '../../src/db/boss.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'
import { testLogger } from './test-logger.ts'

export interface QueueDatabase { pool: pg.Pool, boss: PgBoss }

/**
 * For a test file about queues with no worker consuming them: a migrated database of its
 * own, a pool and a started pg-boss with the queues `createQueues` makes, all set up before
 * the file's tests and gone after them. Read `pool` and `boss` inside the tests.
 */
export function useQueueDatabase (createQueues: (boss: PgBoss) => Promise<void>): QueueDatabase {
  let database: TestDatabase | undefined
  const handles = {} as QueueDatabase
  before(async () => {
    database = await createTestDatabase()
    await runMigrations(database.url)
    handles.pool = createPool({ connectionString: database.url, logger: testLogger() })
    handles.boss = createBoss({ connectionString: database.url, logger: testLogger() })
    await handles.boss.start()
    await createQueues(handles.boss)
  })
  after(async () => {
    await handles.boss?.stop({ graceful: false })
    await handles.pool?.end()
    await database?.drop()
  })
  return handles
}
