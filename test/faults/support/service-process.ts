import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../../../src/db/free-port.ts'
import { until } from '../../helpers/until.ts'

export interface ServiceProcess {
  role: 'receiver' | 'worker'
  url: string
  child: ChildProcess
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>
  /** Everything the process wrote to stderr (for failure messages). */
  stderr: () => string
}

const root = new URL('../../..', import.meta.url)

/** Spawns `node workers/main.ts <role>` with `env` on a free loopback port and waits for /readyz. */
export async function spawnService (role: 'receiver' | 'worker', env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort()
  // FAULT_LOG_DIR=/some/dir keeps each process's JSON logs for diagnosis.
  const logDir = process.env.FAULT_LOG_DIR
  const stdout = logDir ? openSync(join(logDir, `${role}-${port}.log`), 'a') : 'ignore'
  const child = spawn(process.execPath, ['workers/main.ts', role], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', stdout, 'pipe']
  })
  if (typeof stdout === 'number') closeSync(stdout)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-20_000) })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  const url = `http://127.0.0.1:${port}`
  let gone = false
  exited.then(() => { gone = true }, () => {})
  await until(async () => {
    if (gone) throw new Error(`${role} exited during start-up: ${stderr}`)
    try {
      return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })).status
    } catch {
      return 0
    }
  }, (status) => status === 200, { timeoutMs: 60_000, what: `${role} ready` })
  return { role, url, child, exited, stderr: () => stderr }
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it has not exited. */
export async function stopService (service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<number | string> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return service.exited
  service.child.kill(signal)
  const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs)
  try {
    return await service.exited
  } finally {
    clearTimeout(timer)
  }
}
