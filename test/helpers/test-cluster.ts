import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { crmRegistry } from '../../src/crm/registry.ts'
import { createBoss } from '../../src/db/boss.ts'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/db/free-port.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { testLogger } from './test-logger.ts'

export interface TestCluster {
  /** URL of the cluster's `postgres` database (for CREATE/DROP DATABASE). */
  url: string
  /** The migrated template every test database is cloned from. */
  template: string
  stop: () => Promise<void>
}

const TEMPLATE = 'agentclara_template'

/** A throwaway PostgreSQL cluster (no durability: it is deleted on stop) with the template built. */
export async function startTestCluster (): Promise<TestCluster> {
  const dataDir = join(tmpdir(), `agentclara-test-${randomUUID()}`)
  const postgres = await startEmbeddedPostgres({
    dataDir,
    port: await freePort(),
    persistent: false,
    // Throwaway data: no durability. Every FILE_COPY clone checkpoints; no log line for each.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', log_checkpoints: 'off' }
  })
  // Not persistent: stop() deletes pgdata; the directory around it goes too.
  const stop = () => postgres.stop().then(() => rm(dataDir, { recursive: true, force: true }))
  try {
    await buildTemplate(postgres.url, TEMPLATE)
  } catch (error) {
    await stop()
    throw error
  }
  return { url: postgres.url, template: TEMPLATE, stop }
}

/**
 * Migrates a database once — our migrations, pg-boss's schema (its start() installs it)
 * and the registry's queues — and marks it a template that accepts no connections, so
 * `CREATE DATABASE … TEMPLATE` (which fails while anyone is connected to the source)
 * can clone it for every test file in a few milliseconds.
 */
export async function buildTemplate (clusterUrl: string, name: string): Promise<void> {
  const url = databaseUrl(clusterUrl, name)
  await admin(clusterUrl, (client) => client.query(`CREATE DATABASE ${name}`))
  await runMigrations(url)
  const boss = createBoss({ connectionString: url, logger: testLogger(), max: 2 })
  await boss.start()
  await ensureQueues(boss, crmRegistry.map((crm) => crm.name))
  await boss.stop({ graceful: false, close: true })
  await admin(clusterUrl, async (client) => {
    await waitUntilNobodyIsConnected(client, name)
    await client.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`)
  })
}

/** pg-boss closes its pool in stop(), but the backends end a moment later. */
async function waitUntilNobodyIsConnected (client: pg.Client, name: string): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const { rows } = await client.query<{ application_name: string }>('SELECT application_name FROM pg_stat_activity WHERE datname = $1', [name])
    if (rows.length === 0) return
    if (Date.now() > deadline) {
      throw new Error(`the template database ${name} still has sessions: ${rows.map((row) => row.application_name || '?').join(', ')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export function databaseUrl (clusterUrl: string, name: string): string {
  const url = new URL(clusterUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Runs `fn` on a short-lived connection to the cluster's `postgres` database. */
export async function admin<T> (clusterUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(clusterUrl)
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}
