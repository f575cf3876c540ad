import { createHash, randomBytes } from 'node:crypto'
import type pg from 'pg'

/** A live dashboard session. `sid` (the hash of the cookie's id) is what CSRF tokens bind to. */
export interface Session {
  sid: string
  expiresAt: number
}

export interface SessionStore {
  /** A new session; returns the random id for the cookie (stored only as its hash). */
  create: (now: number) => Promise<{ id: string, session: Session }>
  /** The session for a cookie's id if it is still valid (and marks it seen), else undefined. */
  find: (id: string, now: number) => Promise<Session | undefined>
  revoke: (id: string) => Promise<void>
  /** Deletes expired, idle and other-token sessions (they are refused anyway). */
  purge: (now: number) => Promise<void>
}

/**
 * Sessions in PostgreSQL (`admin_sessions`), so logout, the idle timeout and a rotated
 * ADMIN_TOKEN end them for good, and every receiver process sees the same ones. Times
 * come from the caller's clock, so tests can move it.
 */
export function createSessionStore (options: { pool: pg.Pool, tokenFingerprint: Buffer, idleMs: number, absoluteMs: number }): SessionStore {
  const { pool, tokenFingerprint, idleMs, absoluteMs } = options
  const hashOf = (id: string) => createHash('sha256').update(id, 'utf8').digest()
  const sidOf = (hash: Buffer) => hash.toString('base64url')
  return {
    async create (now) {
      const id = randomBytes(32).toString('base64url')
      const hash = hashOf(id)
      const expiresAt = now + absoluteMs
      await pool.query(
        `INSERT INTO admin_sessions (id_hash, token_fingerprint, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)`,
        [hash, tokenFingerprint, new Date(now), new Date(expiresAt)])
      return { id, session: { sid: sidOf(hash), expiresAt } }
    },
    async find (id, now) {
      if (id.length > 100) return undefined
      const hash = hashOf(id)
      const { rows } = await pool.query<{ expires_at: Date }>(
        `UPDATE admin_sessions SET last_seen_at = $3
         WHERE id_hash = $1 AND token_fingerprint = $2 AND expires_at > $3 AND last_seen_at > $4
         RETURNING expires_at`,
        [hash, tokenFingerprint, new Date(now), new Date(now - idleMs)])
      const row = rows[0]
      return row ? { sid: sidOf(hash), expiresAt: row.expires_at.getTime() } : undefined
    },
    async revoke (id) {
      await pool.query('DELETE FROM admin_sessions WHERE id_hash = $1', [hashOf(id)])
    },
    async purge (now) {
      await pool.query(
        'DELETE FROM admin_sessions WHERE expires_at <= $1 OR last_seen_at <= $2 OR token_fingerprint <> $3',
        [new Date(now), new Date(now - idleMs), tokenFingerprint])
    }
  }
}
