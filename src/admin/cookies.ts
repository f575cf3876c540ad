import type { Request, Response } from 'express'

/** Every admin cookie: scoped to the dashboard, invisible to scripts, never sent cross-site. */
export interface CookieOptions {
  maxAgeSeconds: number
  secure: boolean
}

export const ADMIN_PATH = '/admin'

export function readCookie (req: Request, name: string): string | undefined {
  const header = req.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    const value = part.slice(eq + 1).trim()
    try {
      return decodeURIComponent(value)
    } catch {
      return undefined
    }
  }
  return undefined
}

export function setCookie (res: Response, name: string, value: string, options: CookieOptions): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${ADMIN_PATH}`,
    `Max-Age=${options.maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict'
  ]
  if (options.secure) attributes.push('Secure')
  res.append('Set-Cookie', attributes.join('; '))
}

export function clearCookie (res: Response, name: string, secure: boolean): void {
  setCookie(res, name, '', { maxAgeSeconds: 0, secure })
}
