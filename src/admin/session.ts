import type { Request, Response } from 'express'
import { clearCookie, readCookie, setCookie } from './cookies.ts'
import type { Session, SessionStore } from './session-store.ts'

export type { Session } from './session-store.ts'

export const SESSION_COOKIE = 'admin_session'
/** The absolute lifetime of a session, whatever the activity. */
export const SESSION_SECONDS = 12 * 60 * 60

/** Logs the browser in: a new server-side session, and a cookie holding only its random id. */
export async function startSession (res: Response, store: SessionStore, secure: boolean, now: number): Promise<Session> {
  const { id, session } = await store.create(now)
  setCookie(res, SESSION_COOKIE, id, { maxAgeSeconds: SESSION_SECONDS, secure })
  return session
}

export async function readSession (req: Request, store: SessionStore, now: number): Promise<Session | undefined> {
  const id = readCookie(req, SESSION_COOKIE)
  return id ? await store.find(id, now) : undefined
}

/** Logs out: the session is deleted on the server, so a copy of the cookie is worthless too. */
export async function endSession (req: Request, res: Response, store: SessionStore, secure: boolean): Promise<void> {
  const id = readCookie(req, SESSION_COOKIE)
  if (id) await store.revoke(id)
  clearCookie(res, SESSION_COOKIE, secure)
}
