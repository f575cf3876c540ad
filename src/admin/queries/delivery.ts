import type pg from 'pg'

export interface DeliveryDetail {
  id: string
  received_at: Date
  status: string
  event_type: string | null
  event_timestamp: Date | null
  payload: unknown
  /** Only loaded when there is no payload (quarantined or ignored): the bytes are the evidence. */
  raw_body: Buffer | null
  signature_form: string
  error: string | null
  applied_at: Date | null
  /** Set when retention or an erasure emptied the payload and raw body. */
  purged_at: Date | null
  purge_reason: 'retention' | 'erasure' | null
  /** Set when tracing was on as it arrived. */
  trace_id: string | null
}

export async function getDelivery (db: pg.Pool, id: string): Promise<DeliveryDetail | undefined> {
  const { rows } = await db.query<DeliveryDetail>(`
    SELECT id, received_at, status, event_type, event_timestamp, payload,
           CASE WHEN payload IS NULL THEN raw_body END AS raw_body,
           signature_form, error, applied_at, purged_at, purge_reason, trace_id
    FROM webhook_events WHERE id = $1`, [id])
  return rows[0]
}
