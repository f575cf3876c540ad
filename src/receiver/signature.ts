import { createHmac, timingSafeEqual } from 'node:crypto'

export type SignatureCheck =
  /** `signedBytes`: what the signature covers — the raw body, or its JSON.stringify form. */
  | { ok: true, form: 'raw' | 'json-stringify', signedBytes: Buffer }
  | { ok: false, reason: 'missing' | 'malformed' | 'mismatch' }

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/

/**
 * Verifies `X-AgentClara-Signature` (hex HMAC-SHA256 of the body) against each configured
 * secret (several during rotation). The raw bytes are the truth and are checked first; the
 * vendor's Node sample signs `JSON.stringify(req.body)` instead, so that form is tried only
 * when the raw bytes do not match. It needs the secret too, but it authenticates the
 * re-serialised string, not the body: callers must go on with `signedBytes`.
 * Pure: no I/O, no logging.
 */
export function verifySignature (input: {
  header: string | undefined
  rawBody: Buffer
  secrets: readonly string[]
  /** The body's JSON.stringify form, computed only if needed; undefined when it has none. */
  jsonStringified?: () => string | undefined
}): SignatureCheck {
  const header = input.header?.trim()
  if (!header) return { ok: false, reason: 'missing' }
  if (!HEX_SHA256.test(header)) return { ok: false, reason: 'malformed' }
  const given = Buffer.from(header, 'hex')

  if (input.secrets.length === 0) return { ok: false, reason: 'mismatch' }

  if (matchesAny(given, input.rawBody, input.secrets)) return { ok: true, form: 'raw', signedBytes: input.rawBody }
  const stringified = input.jsonStringified?.()
  if (stringified === undefined) return { ok: false, reason: 'mismatch' }
  const signedBytes = Buffer.from(stringified, 'utf8')
  if (matchesAny(given, signedBytes, input.secrets)) return { ok: true, form: 'json-stringify', signedBytes }
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
