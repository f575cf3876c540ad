import { randomBytes } from 'node:crypto'
import type { Request, Response } from 'express'
import { clearCookie, readCookie, setCookie } from './cookies.ts'
import { signValue, verifyValue } from './signed-value.ts'

export const SESSION_COOKIE = 'admin_session'
export const SESSION_SECONDS = 12 * 60 * 60

/** A signed, self-contained session: `sid` binds the CSRF token, `exp` ends it. */
export interface Session {
  sid: string
  exp: number
}

export function startSession (res: Response, key: Buffer, secure: boolean, now = Date.now()): Session {
  const session = { sid: randomBytes(16).toString('base64url'), exp: now + SESSION_SECONDS * 1000 }
  setCookie(res, SESSION_COOKIE, signValue(key, session), { maxAgeSeconds: SESSION_SECONDS, secure })
  return session
}

export function readSession (req: Request, key: Buffer, now = Date.now()): Session | undefined {
  const value = verifyValue(key, readCookie(req, SESSION_COOKIE)) as Partial<Session> | undefined
  if (typeof value?.sid !== 'string' || typeof value.exp !== 'number' || value.exp <= now) return undefined
  return { sid: value.sid, exp: value.exp }
}

export function endSession (res: Response, secure: boolean): void {
  clearCookie(res, SESSION_COOKIE, secure)
}
