import assert from 'node:assert/strict'
import { test } from 'node:test'
import pg from 'pg'
import { createTestDatabase } from '../helpers/test-database.ts'

// The helper every database test stands on: clones of the migrated template.
test('when databases are cloned at the same time, then each has our tables, pg-boss and the queues, and they are independent', async (t) => {
  const [first, second] = await Promise.all([createTestDatabase(), createTestDatabase()])
  const one = new pg.Client(first.url)
  const other = new pg.Client(second.url)
  // t.after hooks run in the order they were added (not reversed): close, then drop.
  t.after(async () => {
    await Promise.all([one.end(), other.end()])
    await Promise.all([first.drop(), second.drop()])
  })
  await Promise.all([one.connect(), other.connect()])

  for (const client of [one, other]) {
    const { rows: migrations } = await client.query('SELECT name FROM pgmigrations ORDER BY id')
    assert.ok(migrations.length > 0, 'migrations applied')
    const { rows: queues } = await client.query('SELECT name FROM pgboss.queue ORDER BY name')
    assert.ok(queues.some((queue) => queue.name === 'apply-event'), JSON.stringify(queues))
    assert.ok(queues.some((queue) => queue.name === 'sync-hubspot'), JSON.stringify(queues))
  }
  await one.query("INSERT INTO customers (id, name, last_contact_at) VALUES ('only_here', 'x', now())")
  assert.equal((await other.query("SELECT count(*)::int AS n FROM customers WHERE id = 'only_here'")).rows[0].n, 0)
})

test('when anyone tries to connect to the template, then it is refused (a session there would make every clone fail)', async (t) => {
  const database = await createTestDatabase()
  t.after(() => database.drop())
  const url = new URL(database.url)
  const { rows } = await withClient(database.url, (client) => client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datistemplate AND NOT datallowconn AND datname NOT IN (\'template0\')'))
  assert.equal(rows.length, 1, 'one template that allows no connections')
  url.pathname = `/${rows[0]?.datname}`
  await assert.rejects(withClient(url.toString(), (client) => client.query('SELECT 1')), /not currently accepting connections/)
})

async function withClient<T> (url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
