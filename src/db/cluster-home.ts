import { createHash, randomBytes } from 'node:crypto'
import { chmod, lstat, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, isAbsolute, join, resolve } from 'node:path'

/**
 * Where a cluster's files live when the postgres user cannot reach the data directory (as
 * root, a checkout in a 0700 `mktemp -d` or under /root): a directory of its own, named after
 * the data directory, instead of opening up directories that are not ours.
 */
export const OWN_DATA_ROOT = '/var/lib/agentclara-crm-sync'
/** In the data directory: where its cluster lives, if not there. */
export const HOME_FILE = 'embedded-postgres-home.json'

interface HomeRecord {
  /** The real path of the data directory this cluster belongs to. */
  dataDir: string
  /** The directory holding the cluster (`pgdata`) and the staged binaries. */
  home: string
}

/** `<root>/<first 16 hex of sha256(real path of the data directory)>`. */
export function ownHomePath (root: string, realDataDir: string): string {
  return join(resolve(root), createHash('sha256').update(realDataDir).digest('hex').slice(0, 16))
}

/**
 * The directory recorded in `<dataDir>/embedded-postgres-home.json`, if it was recorded for
 * this very data directory (a copied `.data/` does not share the original's cluster).
 */
export async function rememberedHome (dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, HOME_FILE)
  let info
  try {
    info = await lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  // Only a file we wrote and nobody else can change may send the cluster elsewhere.
  const me = process.geteuid?.()
  if (!info.isFile() || (me !== undefined && info.uid !== me) || (info.mode & 0o022) !== 0) {
    throw new Error(`${file} is not a private file of this user; remove it (it only records where the embedded PostgreSQL's data lives)`)
  }
  const record = JSON.parse(await readFile(file, 'utf8')) as Partial<HomeRecord>
  if (typeof record.home !== 'string' || !isAbsolute(record.home) || typeof record.dataDir !== 'string') {
    throw new Error(`${file} does not say where the embedded PostgreSQL's data lives; remove it`)
  }
  return record.dataDir === await realpath(dataDir) ? record.home : undefined
}

/** The directory holding `pgdata` for `dataDir`: the remembered one, else `dataDir` itself. */
export async function clusterHome (dataDir: string): Promise<string> {
  return await rememberedHome(dataDir).catch(() => undefined) ?? dataDir
}

/** Records `home` in `<dataDir>/embedded-postgres-home.json` (0600, written atomically). */
export async function rememberHome (realDataDir: string, home: string): Promise<void> {
  const file = join(realDataDir, HOME_FILE)
  const temporary = `${file}.${randomBytes(6).toString('hex')}`
  try {
    await writeFile(temporary, JSON.stringify({ dataDir: realDataDir, home } satisfies HomeRecord, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
    await rename(temporary, file)
  } finally {
    await rm(temporary, { force: true })
  }
}

/**
 * Creates `home` and whatever is missing above it, mode 0711 (others pass through, list
 * nothing), owned by us (root). Existing directories are never changed; they must already
 * be root's alone (see `assertRootControlled`), else whoever controls one could swap the
 * binaries PostgreSQL runs or the cluster. Returns the real path.
 */
export async function makeOwnHome (home: string): Promise<string> {
  const missing: string[] = []
  for (let dir = resolve(home); ; dir = dirname(dir)) {
    try {
      await lstat(dir)
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dir === dirname(dir)) throw error
      missing.unshift(dir)
    }
  }
  for (const dir of missing) {
    await mkdir(dir, { mode: 0o711 }).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error })
    const info = await lstat(dir)
    if (info.isDirectory() && info.uid === process.geteuid?.() && (info.mode & 0o7777) !== 0o711) await chmod(dir, 0o711) // the umask
  }
  await assertRootControlled(resolve(home))
  return realpath(home)
}

/**
 * Root owns every directory from `dir` up to `/` (on the path as written and on its real
 * path) and nobody else may write to any of them, except in sticky directories such as
 * `/tmp`, where others cannot rename or remove root's entries.
 */
async function assertRootControlled (dir: string): Promise<void> {
  const check = async (path: string, look: typeof stat) => {
    for (let current = path; ; current = dirname(current)) {
      const info = await look(current)
      const problem = info.uid !== 0
        ? `belongs to uid ${info.uid}, not root`
        : info.isDirectory() && (info.mode & 0o022) !== 0 && (info.mode & 0o1000) === 0
          ? `can be written by others (mode 0${(info.mode & 0o7777).toString(8)})`
          : current === path && !info.isDirectory() ? 'is not a directory' : undefined
      if (problem) throw new Error(`${current} ${problem}`)
      if (current === dirname(current)) return
    }
  }
  await check(dir, lstat)
  await check(await realpath(dir), stat)
}
