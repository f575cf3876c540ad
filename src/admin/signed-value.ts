import { createHmac } from 'node:crypto'
import { safeEqual } from './keys.ts'

/**
 * `base64url(JSON).base64url(HMAC)`: a value the browser carries and cannot forge. The
 * payload is readable by whoever holds the cookie, so never put secrets in it.
 */
export function signValue (key: Buffer, value: unknown): string {
  const body = Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${body}.${mac(key, body)}`
}

export function verifyValue (key: Buffer, token: string | undefined): unknown {
  if (!token || token.length > 4096) return undefined
  const dot = token.indexOf('.')
  if (dot <= 0) return undefined
  const body = token.slice(0, dot)
  if (!safeEqual(mac(key, body), token.slice(dot + 1))) return undefined
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

function mac (key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url')
}
