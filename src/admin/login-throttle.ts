import { isIPv6 } from 'node:net'

/**
 * Login rate limits, kept in this process's memory: enough for one receiver process; with
 * several, each counts on its own (an attacker gets the limits once per process).
 */
export interface LoginLimits {
  /** Failures from one address before it is locked out. */
  freeFailuresPerAddress: number
  /** The first lockout; each further failure doubles it, up to maxLockMs. */
  firstLockMs: number
  maxLockMs: number
  /** An address with no failure for this long starts afresh. */
  forgetAfterMs: number
  /** Failures from all addresses together within globalWindowMs that pause every login. */
  globalMaxFailures: number
  globalWindowMs: number
  /** Addresses remembered at most (the oldest are forgotten first; the global cap still holds). */
  maxTrackedAddresses: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  freeFailuresPerAddress: 5,
  firstLockMs: 60_000,
  maxLockMs: 60 * 60_000,
  forgetAfterMs: 24 * 60 * 60_000,
  globalMaxFailures: 100,
  globalWindowMs: 60 * 60_000,
  maxTrackedAddresses: 10_000
}

export type LoginVerdict =
  | { allowed: true }
  | { allowed: false, scope: 'address' | 'global', retryAfterMs: number }

export interface LoginThrottle {
  /** Asked before the token is even looked at: a locked-out guess learns nothing. */
  check: (ip: string | undefined) => LoginVerdict
  failed: (ip: string | undefined) => void
  /** A correct token clears its address's record (not the global count). */
  succeeded: (ip: string | undefined) => void
}

interface AddressRecord {
  failures: number
  lastFailureAt: number
  lockedUntil: number
}

export function createLoginThrottle (now: () => number, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): LoginThrottle {
  const addresses = new Map<string, AddressRecord>()
  const recentFailures: number[] = [] // timestamps, oldest first, within the global window

  const forgetOldFailures = (at: number) => {
    while (recentFailures.length > 0 && (recentFailures[0] ?? 0) <= at - limits.globalWindowMs) recentFailures.shift()
  }

  return {
    check (ip) {
      const at = now()
      const record = addresses.get(addressKey(ip))
      if (record && record.lockedUntil > at) return { allowed: false, scope: 'address', retryAfterMs: record.lockedUntil - at }
      forgetOldFailures(at)
      if (recentFailures.length >= limits.globalMaxFailures) {
        return { allowed: false, scope: 'global', retryAfterMs: (recentFailures[0] ?? at) + limits.globalWindowMs - at }
      }
      return { allowed: true }
    },
    failed (ip) {
      const at = now()
      const key = addressKey(ip)
      const previous = addresses.get(key)
      const record = previous && at - previous.lastFailureAt < limits.forgetAfterMs
        ? previous
        : { failures: 0, lastFailureAt: at, lockedUntil: 0 }
      record.failures += 1
      record.lastFailureAt = at
      if (record.failures >= limits.freeFailuresPerAddress) {
        const doublings = record.failures - limits.freeFailuresPerAddress
        record.lockedUntil = at + Math.min(limits.firstLockMs * 2 ** Math.min(doublings, 30), limits.maxLockMs)
      }
      // Re-inserted so the Map's order is least recently failed first.
      addresses.delete(key)
      addresses.set(key, record)
      if (addresses.size > limits.maxTrackedAddresses) addresses.delete(addresses.keys().next().value as string)
      forgetOldFailures(at)
      recentFailures.push(at)
    },
    succeeded (ip) {
      addresses.delete(addressKey(ip))
    }
  }
}

/**
 * Who a failure is counted against: the IPv4 address, or the /64 an IPv6 address lies in
 * (one end user usually holds a whole /64, so single IPv6 addresses cost nothing to change).
 */
export function addressKey (ip: string | undefined): string {
  if (!ip) return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  if (mapped?.[1]) return mapped[1]
  const address = ip.split('%')[0] ?? ip // drop a zone id (fe80::1%eth0)
  if (!isIPv6(address) || address.includes('.')) return address
  const [head = '', tail] = address.split('::')
  const headGroups = head ? head.split(':') : []
  const tailGroups = tail ? tail.split(':') : []
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
}
