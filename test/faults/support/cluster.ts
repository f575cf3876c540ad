import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres, type RunningPostgres } from '../../../src/db/embedded-postgres.ts'
import { restartablePort } from './restartable-port.ts'

export interface FaultCluster {
  /** URL of the database the service under test uses. */
  databaseUrl: string
  /** Stops PostgreSQL (data kept): "the database is down". */
  stop: () => Promise<void>
  /** Starts it again on the same port and data directory. */
  start: () => Promise<void>
  /** Stops it for good and removes its files. */
  destroy: () => Promise<void>
}

/**
 * A private, restartable PostgreSQL cluster for one fault test file (the shared test
 * cluster cannot be stopped without breaking the other files).
 */
export async function startFaultCluster (): Promise<FaultCluster> {
  const dataDir = join(tmpdir(), `agentclara-faults-${randomUUID()}`)
  // Not one the kernel would pick: see restartable-port.ts.
  const port = await restartablePort()
  const boot = () => startEmbeddedPostgres({
    dataDir,
    port,
    persistent: true,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
  })
  let running: RunningPostgres | undefined = await boot()
  const admin = new pg.Client(running.url)
  await admin.connect()
  await admin.query('CREATE DATABASE faults')
  await admin.end()
  const url = new URL(running.url)
  url.pathname = '/faults'
  return {
    databaseUrl: url.toString(),
    async stop () {
      await running?.stop()
      running = undefined
    },
    async start () {
      running ??= await boot()
    },
    async destroy () {
      await running?.stop()
      running = undefined
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
