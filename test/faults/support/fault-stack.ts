import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { startFaultCluster, type FaultCluster } from './cluster.ts'
import { startSandboxes, type Sandboxes } from './sandboxes.ts'
import { spawnService, stopService, type ServiceProcess } from './service-process.ts'
import { testLogLevel } from '../../helpers/test-logger.ts'

export const FAULT_SECRET = 'fault-test-secret'

export interface FaultStack {
  cluster: FaultCluster
  sandboxes: Sandboxes
  /** The test's own pool on the service's database (for counting inbox rows and jobs). */
  pool: pg.Pool
  env: Record<string, string>
  receiver: ServiceProcess
  worker: ServiceProcess
  startReceiver: () => Promise<ServiceProcess>
  startWorker: () => Promise<ServiceProcess>
  /** Event ids (`type:entity`) present in webhook_events. */
  storedEventIds: () => Promise<Set<string>>
  close: () => Promise<void>
}

/**
 * The service as it is deployed: a PostgreSQL cluster, `node workers/main.ts receiver` and
 * `node workers/main.ts worker` as child processes, and both CRM sandboxes in the test
 * process (so they survive the service's processes being killed). Nothing is tuned for
 * the tests: a killed worker's jobs come back through the shipped heartbeat (30 s).
 */
export async function startFaultStack (): Promise<FaultStack> {
  const cluster = await startFaultCluster()
  const sandboxes = await startSandboxes()
  const dataDir = await mkdtemp(join(tmpdir(), 'agentclara-faults-data-'))
  const env: Record<string, string> = {
    ...sandboxes.env,
    NODE_ENV: 'development',
    DATABASE_URL: cluster.databaseUrl,
    AGENTCLARA_WEBHOOK_SECRET: FAULT_SECRET,
    ADMIN_TOKEN: 'fault-admin-token',
    DATA_DIR: dataDir,
    LOG_LEVEL: testLogLevel('warn'),
    CRM_TIMEOUT_MS: '1000'
  }
  const pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4, connectionTimeoutMillis: 3000 })
  pool.on('error', () => {}) // idle clients die while the cluster is stopped on purpose

  const started: ServiceProcess[] = []
  const startReceiver = async () => { const s = await spawnService('receiver', env); started.push(s); return s }
  const startWorker = async () => { const s = await spawnService('worker', env); started.push(s); return s }
  const receiver = await startReceiver() // migrates and creates the queues

  const worker = await startWorker()

  return {
    cluster,
    sandboxes,
    pool,
    env,
    receiver,
    worker,
    startReceiver,
    startWorker,
    async storedEventIds () {
      const { rows } = await pool.query<{ id: string }>(`
        SELECT payload->>'event' || ':' || coalesce(payload->'data'->>'message_id', payload->'data'->>'appointment_id', payload->'data'->>'conversation_id') AS id
        FROM webhook_events`)
      return new Set(rows.map((row) => row.id))
    },
    async close () {
      await Promise.all(started.map((service) => stopService(service, 'SIGKILL')))
      await pool.end()
      await sandboxes.close()
      await cluster.destroy()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** Queue jobs not finished yet (created, retry, active) per queue. */
export async function openJobs (pool: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ name: string, n: number }>(
    "SELECT name, count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'retry', 'active') GROUP BY name")
  return Object.fromEntries(rows.map((row) => [row.name, row.n]))
}

/** One line the reliability doc's table is built from. */
export function report (fault: string, numbers: Record<string, unknown>): void {
  console.log(`FAULT-REPORT ${JSON.stringify({ fault, ...numbers })}`)
}
