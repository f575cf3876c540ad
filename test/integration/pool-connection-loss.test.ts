import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { createPool } from '../../src/db/pool.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { until } from '../helpers/until.ts'
import { testLogger } from '../helpers/test-logger.ts'

let database: TestDatabase
before(async () => { database = await createTestDatabase() })
after(() => database.drop())

test('when a checked-out connection is killed between queries, then the error is handled (no crash) and the pool keeps working', async (t) => {
  const pool = createPool({ connectionString: database.url, logger: testLogger() })
  t.after(() => pool.end())
  const client = await pool.connect()
  const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid')
  const admin = new pg.Client(database.url)
  await admin.connect()
  await admin.query('SELECT pg_terminate_backend($1)', [pid])
  await admin.end()
  // No listener of ours here: if the pool left the client's 'error' event unheard, it
  // would be thrown as an uncaught exception and fail this test.
  const failure = await until(() => client.query('SELECT 1').then(() => undefined, (error: Error) => error), Boolean)
  assert.ok(failure instanceof Error)
  client.release(true)
  assert.equal((await pool.query('SELECT 1 AS ok')).rows[0].ok, 1)
})
