import { after, before } from 'node:test'
import type pg from 'pg'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'
import { testLogger } from './test-logger.ts'

export interface MigratedDatabase { url: string, pool: pg.Pool }

/**
 * For a test file about state kept in PostgreSQL: a migrated database of its own and a pool,
 * set up before the file's tests and gone after them. Read `url` and `pool` inside the tests.
 */
export function useMigratedDatabase (): MigratedDatabase {
  let database: TestDatabase | undefined
  const handles = {} as MigratedDatabase
  before(async () => {
    database = await createTestDatabase()
    await runMigrations(database.url)
    handles.url = database.url
    handles.pool = createPool({ connectionString: database.url, logger: testLogger() })
  })
  after(async () => {
    await handles.pool?.end()
    await database?.drop()
  })
  return handles
}
