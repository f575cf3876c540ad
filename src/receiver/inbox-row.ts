import { eventDedupeKey, rawDedupeKey } from '../events/dedupe-key.ts'
import { parseEvent } from '../events/schemas.ts'
import { describeJsonError } from './describe-json-error.ts'

export type InboxStatus = 'received' | 'ignored' | 'quarantined'

/** What one signed delivery becomes in `webhook_events`. */
export interface InboxRow {
  dedupeKey: Buffer
  status: InboxStatus
  eventType: string | null
  eventTimestamp: string | null
  /** JSON text of the validated event, or null when it is not one we apply. */
  payload: string | null
  rawBody: Buffer
  signatureForm: 'raw' | 'json-stringify'
  error: string | null
}

export type ParsedJson = { ok: true, value: unknown } | { ok: false, error: string }

export function parseJson (rawBody: Buffer): ParsedJson {
  const text = rawBody.toString('utf8')
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return { ok: false, error: describeJsonError(error, text) }
  }
}

/**
 * Classifies a delivery whose signature has been verified. Nothing signed is dropped:
 * a valid event is `received` (to be applied), an unknown event type is `ignored`, and
 * anything else is `quarantined` with the reason, raw bytes kept for a replay after a fix.
 */
export function toInboxRow (rawBody: Buffer, json: ParsedJson, signatureForm: InboxRow['signatureForm']): InboxRow {
  const quarantine = (error: string): InboxRow => ({
    dedupeKey: rawDedupeKey(rawBody), status: 'quarantined', eventType: null, eventTimestamp: null, payload: null, rawBody, signatureForm, error
  })
  if (!json.ok) return quarantine(json.error)

  const parsed = parseEvent(json.value)
  if (parsed.kind === 'invalid') return quarantine(`body does not match the event schema: ${parsed.error}`)

  let dedupeKey: Buffer
  try {
    dedupeKey = eventDedupeKey(json.value as { event: unknown, timestamp: unknown, data: unknown })
  } catch {
    // Pathologically deep JSON overflows the canonicaliser's recursion: keep it, raw.
    return quarantine('body is nested too deeply to process')
  }
  if (parsed.kind === 'unknown-type') {
    return { dedupeKey, status: 'ignored', eventType: parsed.eventType, eventTimestamp: parsed.timestamp, payload: null, rawBody, signatureForm, error: `unknown event type "${parsed.eventType}"` }
  }
  return {
    dedupeKey,
    status: 'received',
    eventType: parsed.event.event,
    eventTimestamp: parsed.event.timestamp,
    payload: JSON.stringify(parsed.event, storableJson),
    rawBody,
    signatureForm,
    error: null
  }
}

/**
 * PostgreSQL's jsonb cannot hold NUL characters or lone UTF-16 surrogates, which JSON
 * text can carry; the stored payload swaps them for U+FFFD (the raw bytes stay exact).
 */
function storableJson (_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.toWellFormed().replaceAll('\u0000', '\uFFFD') : value
}
