import type { Request, Response } from 'express'
import { clearCookie, readCookie, setCookie } from './cookies.ts'
import { signValue, verifyValue } from './signed-value.ts'

const FLASH_COOKIE = 'admin_flash'

export interface Flash {
  kind: 'ok' | 'error'
  text: string
}

/**
 * A one-shot message shown after a redirect (post/redirect/get). Signed, so nobody can
 * plant text in the dashboard through a crafted link.
 */
export function setFlash (res: Response, key: Buffer, flash: Flash, secure: boolean): void {
  setCookie(res, FLASH_COOKIE, signValue(key, { ...flash, exp: Date.now() + 60_000 }), { maxAgeSeconds: 60, secure })
}

export function takeFlash (req: Request, res: Response, key: Buffer, secure: boolean): Flash | undefined {
  const raw = readCookie(req, FLASH_COOKIE)
  if (raw === undefined) return undefined
  clearCookie(res, FLASH_COOKIE, secure)
  const value = verifyValue(key, raw) as (Flash & { exp: number }) | undefined
  if (!value || typeof value.text !== 'string' || value.exp < Date.now()) return undefined
  return { kind: value.kind === 'error' ? 'error' : 'ok', text: value.text }
}
