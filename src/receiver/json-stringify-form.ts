/**
 * The bytes the vendor's Node sample signs: `JSON.stringify(JSON.parse(body))`. Many
 * bodies map to one such string (other spacing, \uXXXX escapes, 1.0 for 1), so whoever
 * uses this form must treat *this string* as what was authenticated, never the body.
 *
 * Undefined when the body has no faithful stringify form:
 * - not JSON;
 * - a number that overflows to ±Infinity (1e400): JSON.stringify writes it as `null`, so
 *   a signature over `null` would vouch for a body that says something else;
 * - nesting too deep for JSON.stringify's recursion (RangeError): an unauthenticated
 *   request must cost a 401, not a 500.
 */
export function jsonStringifyForm (rawBody: Buffer): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(rawBody.toString('utf8'))
  } catch {
    return undefined
  }
  try {
    return JSON.stringify(value, refuseNonFinite)
  } catch (error) {
    if (error instanceof RangeError || error instanceof NonFiniteNumber) return undefined
    throw error
  }
}

class NonFiniteNumber extends Error {}

function refuseNonFinite (_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new NonFiniteNumber()
  return value
}
