import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/db/free-port.ts'

const run = promisify(execFile)
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/agentclara-test-pgdata', import.meta.url))

/**
 * Fills `dataDir` with a copy of a freshly initialised, cleanly stopped cluster, so
 * startEmbeddedPostgres skips initdb (about 2 s of CPU on every test run, and on every
 * file run on its own). The pristine cluster is made once per PostgreSQL version and kept
 * in node_modules/.cache. `cp -a` keeps owner and modes (as root the cluster belongs to
 * the `postgres` user).
 */
export async function seedDataDir (dataDir: string): Promise<void> {
  const pristine = await pristineCluster()
  await mkdir(dataDir, { recursive: true })
  await run('cp', ['-a', join(pristine, 'pgdata'), join(dataDir, 'pgdata')])
  // Loopback only and throwaway: no password check. With `password`, the server derives the
  // SCRAM key (4096 HMAC rounds) for every connection, and a run opens hundreds.
  const hba = join(dataDir, 'pgdata', 'pg_hba.conf')
  await writeFile(hba, (await readFile(hba, 'utf8')).replace(/^(host\s+all\s+all\s+\S+\s+)password$/gm, '$1trust'))
}

async function pristineCluster (): Promise<string> {
  const binaries: { postgres: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`)
  const { stdout } = await run(binaries.postgres, ['--version']) // "postgres (PostgreSQL) 18.4"
  const dir = join(CACHE, stdout.trim().replace(/\W+/g, '-'))
  if (existsSync(join(dir, 'pgdata', 'PG_VERSION'))) return dir
  // Made aside and renamed into place, so concurrent runs never see half a cluster.
  const making = `${dir}.${randomUUID()}`
  const postgres = await startEmbeddedPostgres({ dataDir: making, port: await freePort(), persistent: true })
  await postgres.stop()
  await rename(making, dir).catch(() => rm(making, { recursive: true, force: true }))
  return dir
}
