import { createHash } from 'node:crypto'

/**
 * JSON with object keys sorted and no whitespace, so two deliveries of the same event
 * hash alike however the sender spaced or ordered them.
 */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.keys(value).sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
  return `{${entries.join(',')}}`
}

/** SHA-256 of the canonical JSON of `{event, timestamp, data}`: the inbox's unique key. */
export function eventDedupeKey (body: { event: unknown, timestamp: unknown, data: unknown }): Buffer {
  return sha256(canonicalJson({ event: body.event, timestamp: body.timestamp, data: body.data }))
}

/** For quarantined bodies, which may not even be JSON: SHA-256 of the raw bytes. */
export function rawDedupeKey (rawBody: Buffer): Buffer {
  return sha256(rawBody)
}

function sha256 (input: string | Buffer): Buffer {
  return createHash('sha256').update(input).digest()
}
