import { existsSync, readFileSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { resolve, join } from 'node:path'
import pg from 'pg'
import type { Logger } from 'pino'
import { clusterHome } from './cluster-home.ts'
import { embeddedServerUrl, startEmbeddedPostgres } from './embedded-postgres.ts'
import { freePort } from './free-port.ts'

const EMBEDDED_PORT = 54329
export const EMBEDDED_DATABASE = 'agentclara'

export interface DatabaseHandle {
  url: string
  embedded: boolean
  /** An embedded server another process started (and still runs): `stop()` would stop it for them. */
  adopted: boolean
  stop: () => Promise<void>
}

/**
 * DATABASE_URL when given; otherwise an embedded PostgreSQL with its data under
 * `<dataDir>/pgdata` (as root maybe in a directory of its own, see embedded-postgres.ts),
 * persistent across restarts, listening on 127.0.0.1 only.
 */
export async function openDatabase (options: { databaseUrl?: string, dataDir: string, logger: Logger }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false, adopted: false, stop: async () => {} }

  const dataDir = resolve(options.dataDir)
  const adopted = await adoptOrphan(dataDir)
  const port = adopted ? 0 : await embeddedPort(dataDir)
  const server = adopted ?? await startEmbeddedPostgres({
    dataDir,
    port,
    onLog: (line) => options.logger.debug({ postgres: line.trim() }, 'embedded postgres'),
    onNotice: (message) => options.logger.warn({ dataDir }, `embedded postgres: ${message}`)
  }).catch(async (error: unknown) => {
    // Says which server did not start; the launcher's error says why (LOG_LEVEL=debug shows its log).
    throw new Error(`the embedded PostgreSQL (data in ${join(await clusterHome(dataDir), 'pgdata')}, port ${port}) did not start` +
      (error instanceof Error ? `: ${error.message}` : '; run with LOG_LEVEL=debug to see its log'), { cause: error })
  })
  if (adopted) options.logger.warn('reusing an embedded PostgreSQL left running by an earlier process')
  const url = new URL(server.url)
  await createDatabaseIfMissing(server.url, EMBEDDED_DATABASE)
  url.pathname = `/${EMBEDDED_DATABASE}`
  return { url: url.toString(), embedded: true, adopted: adopted !== undefined, stop: server.stop }
}

/**
 * The embedded server's port: 54329 unless something else holds it (another checkout's
 * server, say), then any free one — remembered in the data directory so it stays put.
 */
async function embeddedPort (dataDir: string): Promise<number> {
  const file = join(dataDir, 'embedded-postgres-port')
  const remembered = Number(await readFile(file, 'utf8').catch(() => ''))
  const port = await freePort(remembered || EMBEDDED_PORT)
  if (port !== remembered) {
    await mkdir(dataDir, { recursive: true })
    await writeFile(file, `${port}\n`)
  }
  return port
}

/**
 * A process killed with SIGKILL leaves its embedded PostgreSQL running and holding the
 * data directory. Adopt it (connect, and stop it on our shutdown) rather than fail.
 */
async function adoptOrphan (dataDir: string) {
  const pidFile = join(await clusterHome(dataDir), 'pgdata', 'postmaster.pid')
  if (!existsSync(pidFile)) return undefined
  const [pidLine = '', , , portLine = ''] = readFileSync(pidFile, 'utf8').split('\n')
  const pid = Number(pidLine)
  try {
    process.kill(pid, 0)
  } catch {
    return undefined // stale pid file: PostgreSQL cleans it up itself on start
  }
  const url = await embeddedServerUrl(dataDir, Number(portLine) || EMBEDDED_PORT)
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.end()
  } catch {
    return undefined
  }
  return {
    url,
    stop: async () => {
      try {
        process.kill(pid, 'SIGINT')
      } catch {}
    }
  }
}

async function createDatabaseIfMissing (serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client(serverUrl)
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
}
