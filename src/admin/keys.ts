import { createHash, hkdfSync, scryptSync, timingSafeEqual } from 'node:crypto'

export interface AdminKeys {
  csrf: Buffer
  flash: Buffer
}

/**
 * Separate keys for CSRF tokens and flash messages, derived from ADMIN_TOKEN: a new token
 * invalidates every outstanding form token and message at once.
 */
export function deriveKeys (adminToken: string): AdminKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', adminToken, 'agentclara-crm-sync/admin', info, 32))
  return { csrf: derive('csrf'), flash: derive('flash') }
}

/**
 * What sessions record of the token they logged in with: a new ADMIN_TOKEN no longer
 * matches, so rotating the token ends every session. A slow hash (scrypt, computed once per
 * start), so a copy of the sessions table does not make a weak token quick to guess offline.
 */
export function tokenFingerprint (adminToken: string): Buffer {
  return scryptSync(adminToken, 'agentclara-crm-sync/admin-session', 32, { N: 2 ** 14, r: 8, p: 1 })
}

/** Constant-time string comparison, whatever the lengths (both sides are hashed first). */
export function safeEqual (a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}
