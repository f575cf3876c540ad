import pg from 'pg'
import { preparedIfFew } from './prepared.ts'
import type { Logger } from 'pino'

/**
 * The application's connection pool. Short connect and statement timeouts make an
 * unreachable database fail fast (503) instead of holding webhook requests open; the
 * pool reconnects by itself when PostgreSQL comes back.
 */
export function createPool (options: { connectionString: string, max?: number, logger: Logger, applicationName?: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    query_timeout: 20_000,
    application_name: options.applicationName ?? 'agentclara-crm-sync'
  })
  // A connection lost while idle is reported on the pool; one lost while checked out but
  // between queries is reported on the client. Unheard, either would crash the process.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'idle database connection lost'))
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.warn({ err: error }, 'database connection lost'))
  })
  return pool
}

/**
 * Ends the pool and resolves once its connections have closed. pg-pool's own `end()`
 * resolves as soon as it has asked them to close, so a database stopped right after
 * (embedded PostgreSQL at shutdown) would still find them open and terminate them, and each
 * would be logged as lost. Bounded: a connection that never reports closing is not waited for.
 */
export async function endPool (pool: pg.Pool, boundMs = 2000): Promise<void> {
  let open = pool.totalCount
  let timer: NodeJS.Timeout | undefined
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve()
    pool.on('remove', () => { if (--open <= 0) resolve() })
    timer = setTimeout(resolve, boundMs)
  })
  await pool.end()
  await closed
  clearTimeout(timer)
}

/** Runs `work` in one transaction on one client; rolls back on any error. */
export async function withTransaction<T> (pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
    } catch {
      broken = true
    }
    throw error
  } finally {
    // A client whose connection failed mid-transaction is destroyed, not reused.
    client.release(broken)
  }
}

/**
 * Lets pg-boss join our transaction: pass `{ db: bossDb(client) }` to send/insert. Its
 * statements run prepared (src/db/prepared.ts): its job insert is large and runs for
 * every group commit and every apply batch.
 */
export function bossDb (client: pg.PoolClient) {
  return { executeSql: (text: string, values?: unknown[]) => client.query(preparedIfFew(text, values)) }
}
