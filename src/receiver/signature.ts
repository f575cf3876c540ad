import { createHmac, timingSafeEqual } from 'node:crypto'

export type SignatureCheck =
  | { ok: true, form: 'raw' | 'json-stringify' }
  | { ok: false, reason: 'missing' | 'malformed' | 'mismatch' }

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/

/**
 * Verifies `X-AgentClara-Signature` (hex HMAC-SHA256 of the body) against each configured
 * secret (several during rotation). The raw bytes are the truth; the vendor's Node sample
 * signs `JSON.stringify(req.body)` instead, so that form is accepted too — both need the
 * secret, so nothing is weakened. Pure: no I/O, no logging.
 */
export function verifySignature (input: {
  header: string | undefined
  rawBody: Buffer
  secrets: readonly string[]
  /** Lazily re-serialises the parsed body; returns undefined when the body is not JSON. */
  jsonStringified?: () => string | undefined
}): SignatureCheck {
  const header = input.header?.trim()
  if (!header) return { ok: false, reason: 'missing' }
  if (!HEX_SHA256.test(header)) return { ok: false, reason: 'malformed' }
  const given = Buffer.from(header, 'hex')

  if (matchesAny(given, input.rawBody, input.secrets)) return { ok: true, form: 'raw' }
  const stringified = input.jsonStringified?.()
  if (stringified !== undefined && matchesAny(given, Buffer.from(stringified, 'utf8'), input.secrets)) {
    return { ok: true, form: 'json-stringify' }
  }
  return { ok: false, reason: 'mismatch' }
}

function matchesAny (given: Buffer, body: Buffer, secrets: readonly string[]): boolean {
  let matched = false
  // Check every secret (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest()
    if (timingSafeEqual(expected, given)) matched = true
  }
  return matched
}

/** Signs a body the way AgentClara does (used by the simulator and the tests). */
export function sign (body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex')
}
