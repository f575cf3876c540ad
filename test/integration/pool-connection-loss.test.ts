import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { createPool, endPool } from '../../src/db/pool.ts'
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

test('when the pool is ended with endPool, then every connection has closed by the time it resolves, so stopping the database right after cuts none', async () => {
  const pool = createPool({ connectionString: database.url, logger: testLogger() })
  let closed = 0
  pool.on('connect', (client) => { client.once('end', () => { closed++ }) })
  // Several connections open at once, all idle when the pool ends.
  const clients = await Promise.all([1, 2, 3].map(async () => pool.connect()))
  for (const client of clients) client.release()
  assert.equal(pool.totalCount, 3)
  // pg-pool's own end() resolves once it has asked them to close, before any has.
  await endPool(pool)
  assert.equal(closed, 3)
})
