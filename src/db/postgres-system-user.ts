import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)
const NAME = 'postgres'

/** The account the embedded PostgreSQL runs as when we are root. */
export interface SystemUser {
  name: string
  uid: number
  gid: number
  /** Every group it is in (the primary one too): decides which mode bits apply to it. */
  groups: number[]
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
 * A machine without one gets a system account (no home, no login shell): the only change
 * this service makes outside its data directory, and it says so through `notice`.
 */
export async function postgresSystemUser (notice: (message: string) => void): Promise<SystemUser> {
  const existing = await lookUp(NAME)
  if (existing) return existing
  notice(`creating the system user "${NAME}" to run the embedded PostgreSQL (PostgreSQL refuses to run as root)`)
  try {
    await run('groupadd', ['--system', NAME]).catch((error: { code?: unknown }) => {
      if (error.code !== 9) throw error // 9: the group exists already
    })
    await run('useradd', ['--system', '--gid', NAME, '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', NAME])
  } catch (error) {
    throw new Error(`could not create the system user "${NAME}" (${(error as Error).message.trim()}). ` +
      `Create it yourself (useradd --system ${NAME}), run as a non-root user, or set DATABASE_URL.`, { cause: error })
  }
  const created = await lookUp(NAME)
  if (!created) throw new Error(`the system user "${NAME}" was created but cannot be looked up`)
  return created
}

async function lookUp (name: string): Promise<SystemUser | undefined> {
  try {
    const [uid, gid, groups] = await Promise.all(['-u', '-g', '-G'].map(async (flag) => (await run('id', [flag, name])).stdout.trim()))
    return { name, uid: Number(uid), gid: Number(gid), groups: (groups ?? '').split(/\s+/).filter(Boolean).map(Number) }
  } catch {
    return undefined
  }
}
