import pg from 'pg'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/db/free-port.ts'

export interface TestDatabase {
  url: string
  drop: () => Promise<void>
}

let cluster: Promise<{ url: string, stop: () => Promise<void> }> | undefined

/**
 * The cluster the test run shares: `test/run-tests.ts` starts one and passes its URL in
 * TEST_POSTGRES_URL; a single test file run on its own starts a private one.
 */
function sharedCluster () {
  cluster ??= (async () => {
    const url = process.env.TEST_POSTGRES_URL
    if (url) return { url, stop: async () => {} }
    const running = await startEmbeddedPostgres({
      dataDir: join(tmpdir(), `agentclara-test-${randomUUID()}`),
      port: await freePort(),
      persistent: false,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
    })
    return running
  })()
  return cluster
}

/** A fresh, empty database for one test file, dropped again by `drop()`. */
export async function createTestDatabase (): Promise<TestDatabase> {
  const { url } = await sharedCluster()
  const name = `test_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client(url)
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const dbUrl = new URL(url)
  dbUrl.pathname = `/${name}`
  return {
    url: dbUrl.toString(),
    async drop () {
      const client = new pg.Client(url)
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    }
  }
}

/** Stops a private cluster started by this process (no-op under the shared runner). */
export async function stopTestCluster (): Promise<void> {
  if (cluster) await (await cluster).stop()
  cluster = undefined
}
