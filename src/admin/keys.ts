import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto'

export interface AdminKeys {
  session: Buffer
  csrf: Buffer
  flash: Buffer
}

/**
 * Separate keys for sessions, CSRF tokens and flash messages, all derived from
 * ADMIN_TOKEN: rotating the token invalidates every session and token at once, and no
 * server-side state is needed.
 */
export function deriveKeys (adminToken: string): AdminKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', adminToken, 'agentclara-crm-sync/admin', info, 32))
  return { session: derive('session'), csrf: derive('csrf'), flash: derive('flash') }
}

/** Constant-time string comparison, whatever the lengths (both sides are hashed first). */
export function safeEqual (a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(a), digest(b))
}
