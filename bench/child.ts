import { spawn, type ChildProcess } from 'node:child_process'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'

const NODE = process.execPath

/** Spawns `node <script> …args` and resolves with its first stdout line parsed as JSON. */
export function spawnJson<T> (script: string, args: string[], env?: Record<string, string>): { child: ChildProcess, first: Promise<T> } {
  const child = spawn(NODE, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: env ? { ...process.env, ...env } : process.env })
  const lines = createInterface({ input: child.stdout! })
  const first = new Promise<T>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as T))
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before answering`)))
  })
  return { child, first }
}

/** Peak resident set (VmHWM) of a process in MiB, read from /proc (Linux). */
export async function peakRssMiB (pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    return match ? Math.round(Number(match[1]) / 1024) : null
  } catch {
    return null
  }
}

/** Resets VmHWM so the next reading covers one measurement point only (best effort). */
export async function resetPeakRss (pid: number): Promise<void> {
  try { await writeFile(`/proc/${pid}/clear_refs`, '5') } catch { /* older kernels: peak stays cumulative */ }
}

export function stopChild (child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(); return }
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
export async function cpuSeconds (pid: number): Promise<number | null> {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return null
  }
}

/**
 * CPU seconds the PostgreSQL cluster has used so far: the postmaster (its own and its reaped
 * children's) plus every live child (backends, WAL writer, checkpointer), from /proc (Linux).
 */
export async function clusterCpuSeconds (databaseDir: string): Promise<number | null> {
  try {
    const postmaster = Number((await readFile(`${databaseDir}/postmaster.pid`, 'utf8')).split('\n')[0])
    const stat = async (pid: string) => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? []
    const own = await stat(String(postmaster))
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
    for (const pid of await readdir('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === postmaster) continue
      const fields = await stat(pid).catch(() => [])
      if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12])
    }
    return ticks / 100
  } catch {
    return null
  }
}
