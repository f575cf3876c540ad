import type { TestContext } from 'node:test'
import type pg from 'pg'

/**
 * A connection inside a transaction that is rolled back when the test ends, so every test
 * starts from the same (empty) tables whatever the others wrote, and none needs cleaning up.
 */
export async function rolledBackClient (t: TestContext, pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect()
  await client.query('BEGIN')
  t.after(async () => {
    await client.query('ROLLBACK')
    client.release()
  })
  return client
}
