import { readFile } from 'node:fs/promises'
import { freePort } from '../../../src/db/free-port.ts'

// Where the kernel takes the local ports of outgoing connections (Linux's default; IANA's 49152
// is above it). Read from the machine where it can be.
const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range'
const DEFAULT_EPHEMERAL_LOW = 32768
// Below the ephemeral range, above the well-known and common service ports.
const LOWEST = 20_000
const TRIES = 50

/** The first port the kernel may hand to an outgoing connection. */
export async function ephemeralLow (): Promise<number> {
  const text = await readFile(EPHEMERAL_RANGE_FILE, 'utf8').catch(() => '')
  const low = Number(text.trim().split(/\s+/)[0])
  return Number.isInteger(low) && low > LOWEST ? low : DEFAULT_EPHEMERAL_LOW
}

/**
 * A free loopback port for a server that is stopped and started again on it (a fault test's
 * PostgreSQL). A port the kernel picks is in the ephemeral range, which is also where every
 * outgoing connection takes its local port: while the server was down, one of the service's
 * own connections took it, and the restart failed ("could not bind … Address already in use").
 * Below that range no outgoing connection ever takes it.
 */
export async function restartablePort (random: () => number = Math.random): Promise<number> {
  const high = await ephemeralLow() - 1
  for (let i = 0; i < TRIES; i++) {
    const candidate = LOWEST + Math.floor(random() * (high - LOWEST + 1))
    // freePort answers with another (kernel-picked) port when the candidate is taken.
    if (await freePort(candidate) === candidate) return candidate
  }
  throw new Error(`no free port between ${LOWEST} and ${high} after ${TRIES} tries`)
}
