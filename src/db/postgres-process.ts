import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { chown, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** The user PostgreSQL runs as when we are root (it refuses to run as root itself). */
export interface RunAs {
  uid: number
  gid: number
}

// Only what PostgreSQL needs: as another user it must not see our secrets (ADMIN_TOKEN,
// CRM tokens) in its environment.
const PASSED_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'TZ', 'TMPDIR']

function childEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_MESSAGES: 'C' }
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name]
  return env
}

/** `initdb` with SCRAM password auth; the password goes through a 0600 file next to the cluster. */
export async function initCluster (options: {
  binDir: string
  databaseDir: string
  superuser: string
  password: string
  runAs?: RunAs | undefined
  noSync: boolean
  log: (line: string) => void
}): Promise<void> {
  const passwordFile = join(dirname(options.databaseDir), `.initdb-password-${randomBytes(6).toString('hex')}`)
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600, flag: 'wx' })
  try {
    if (options.runAs) await chown(passwordFile, options.runAs.uid, options.runAs.gid)
    const child = spawn(join(options.binDir, 'initdb'), [
      `--pgdata=${options.databaseDir}`,
      '--auth=scram-sha-256',
      `--username=${options.superuser}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--lc-messages=C',
      ...(options.noSync ? ['--no-sync'] : [])
    ], { ...options.runAs, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    const output = collect(child, options.log)
    const [code] = await once(child, 'close') as [number | null]
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output().trim()}`)
  } finally {
    await rm(passwordFile, { force: true })
  }
}

export interface ServerProcess {
  pid: number
  stop: () => Promise<void>
}

/**
 * Starts `postgres` and resolves once it accepts connections; rejects with its output if
 * it exits first. Its own process group, so a Ctrl-C meant for us does not stop it before
 * our graceful shutdown does; it is still stopped if our process exits.
 */
export async function startServer (options: {
  binDir: string
  databaseDir: string
  port: number
  settings: Record<string, string>
  runAs?: RunAs | undefined
  log: (line: string) => void
}): Promise<ServerProcess> {
  const child = spawn(join(options.binDir, 'postgres'), [
    '-D', options.databaseDir,
    '-p', String(options.port),
    ...Object.entries(options.settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])
  ], { ...options.runAs, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const output = collect(child, options.log)
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await new Promise<void>((resolve, reject) => {
    const onData = () => { if (output().includes('database system is ready to accept connections')) done() }
    const onExit = (code: number | null, signal: string | null) => {
      done(new Error(`PostgreSQL exited during start-up (${signal ?? `exit ${code}`}): ${output().trim().split('\n').slice(-15).join('\n')}`))
    }
    const onError = (error: Error) => done(error)
    const done = (error?: Error) => {
      child.stderr?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', onError)
      if (error) reject(error)
      else resolve()
    }
    child.stderr?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', onError)
  })
  const killOnExit = () => { child.kill('SIGINT') }
  process.on('exit', killOnExit)
  return {
    pid: child.pid ?? 0,
    async stop () {
      process.off('exit', killOnExit)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT') // fast shutdown: roll back open transactions, checkpoint, exit
        await exited
      }
    }
  }
}

/** Passes output on to `log` and keeps the last 64 KiB of it for error messages. */
function collect (child: ChildProcess, log: (line: string) => void): () => string {
  let text = ''
  const onChunk = (chunk: Buffer) => {
    const message = chunk.toString('utf8')
    log(message)
    text = (text + message).slice(-65_536)
  }
  child.stdout?.on('data', onChunk)
  child.stderr?.on('data', onChunk)
  return () => text
}
