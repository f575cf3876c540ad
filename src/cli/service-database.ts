import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { clusterHome } from '../db/cluster-home.ts'
import { embeddedServerUrl } from '../db/embedded-postgres.ts'
import { EMBEDDED_DATABASE } from '../db/open-database.ts'

/**
 * The database of the running service: DATABASE_URL, or in development the embedded
 * PostgreSQL that `npm start` runs for DATA_DIR (its port is in postmaster.pid, in
 * DATA_DIR/pgdata or the directory recorded in DATA_DIR/embedded-postgres-home.json; its
 * password in DATA_DIR/secrets.json). Never starts or stops one: a command that needs
 * the service's workers is pointless without the service.
 */
export async function serviceDatabaseUrl (options: { databaseUrl?: string, dataDir: string }): Promise<string> {
  if (options.databaseUrl) return options.databaseUrl
  const pidFile = join(await clusterHome(options.dataDir), 'pgdata', 'postmaster.pid')
  const lines = await readFile(pidFile, 'utf8').then((text) => text.split('\n'), () => undefined)
  const port = Number(lines?.[3])
  if (!lines || !Number.isInteger(port) || port <= 0) {
    throw new Error(`no database: set DATABASE_URL, or start the service (npm start) so that its embedded PostgreSQL runs (${pidFile} not found)`)
  }
  const url = new URL(await embeddedServerUrl(options.dataDir, port))
  url.pathname = `/${EMBEDDED_DATABASE}`
  return url.toString()
}
