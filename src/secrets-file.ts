import { randomBytes } from 'node:crypto'
import { lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const SECRETS_FILE_NAME = 'secrets.json'

/** The secrets file is unsafe to use (too open, someone else's, not a file, not JSON). */
export class SecretsFileError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SecretsFileError'
  }
}

export type StoredSecrets = Record<string, unknown>

/**
 * `<dataDir>/secrets.json`: what development generates and must keep across restarts (the
 * webhook secret, the admin token, the embedded PostgreSQL's password). Checked on every
 * read. A file other users could read is refused, not quietly fixed: its secrets may
 * already have been read, and only the operator can judge that.
 */
export async function readSecretsFile (dataDir: string): Promise<StoredSecrets> {
  const file = join(dataDir, SECRETS_FILE_NAME)
  let info
  try {
    info = await lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  assertPrivate(file, info)
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as StoredSecrets
  } catch (error) {
    throw new SecretsFileError(`${file} is not readable JSON (${(error as Error).message}). Restore it or delete it (a new one is generated, with new secrets).`)
  }
}

/** Adds or replaces keys, keeping the others. Written to a fresh 0600 file, then renamed over. */
export async function updateSecretsFile (dataDir: string, changes: StoredSecrets): Promise<StoredSecrets> {
  const next = { ...await readSecretsFile(dataDir), ...changes }
  await mkdir(dataDir, { recursive: true })
  const temporary = join(dataDir, `.${SECRETS_FILE_NAME}.${randomBytes(6).toString('hex')}`)
  try {
    await writeFile(temporary, JSON.stringify(next, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
    await rename(temporary, join(dataDir, SECRETS_FILE_NAME))
  } finally {
    await rm(temporary, { force: true })
  }
  return next
}

function assertPrivate (file: string, info: { mode: number, uid: number, isFile: () => boolean }): void {
  if (!info.isFile()) throw new SecretsFileError(`${file} is not a regular file (a symlink?). Replace it with the file itself.`)
  // Windows has no POSIX owners or modes to check.
  if (process.platform === 'win32') return
  const me = process.geteuid?.()
  if (me !== undefined && info.uid !== me) {
    throw new SecretsFileError(`${file} belongs to uid ${info.uid}, not to this user (uid ${me}); refusing secrets someone else controls. Fix it with: chown ${me} ${file}`)
  }
  if ((info.mode & 0o077) !== 0) {
    throw new SecretsFileError(`${file} can be read by other users (mode 0${(info.mode & 0o777).toString(8)}). ` +
      `It holds the database password, webhook secret and admin token. Fix it with: chmod 600 ${file}`)
  }
}
