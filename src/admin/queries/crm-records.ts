import type pg from 'pg'
import type { EntityRef } from '../../mirror/entity-ref.ts'

export interface CrmRecordRow {
  crm: string
  entity_type: EntityRef['type']
  entity_id: string
  status: string
  crm_id: string | null
  attempts: number
  last_error: string | null
  synced_at: Date | null
  last_attempt_at: Date | null
}

export async function recordsFor (db: pg.Pool, refs: EntityRef[]): Promise<CrmRecordRow[]> {
  if (refs.length === 0) return []
  const { rows } = await db.query<CrmRecordRow>(`
    SELECT crm, entity_type, entity_id, status, crm_id, attempts, last_error, synced_at, last_attempt_at
    FROM crm_records
    WHERE (entity_type, entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
    ORDER BY entity_type, entity_id, crm`,
  [refs.map((ref) => ref.type), refs.map((ref) => ref.id)])
  return rows
}

/**
 * The entities an event touched, from its payload. Messages and conversation updates
 * name only the conversation: their contact is found through the mirror.
 */
export async function entitiesOfEvent (db: pg.Pool, payload: unknown): Promise<EntityRef[]> {
  const data = (payload as { data?: Record<string, unknown> } | null)?.data
  if (!data || typeof data !== 'object') return []
  const text = (value: unknown) => typeof value === 'string' && value !== '' ? value : undefined
  const refs: EntityRef[] = []
  let customerId = text(data.customer_id)
  const conversationId = text(data.conversation_id)
  if (!customerId && conversationId) {
    const { rows } = await db.query<{ customer_id: string }>('SELECT customer_id FROM conversations WHERE id = $1', [conversationId])
    customerId = rows[0]?.customer_id
  }
  if (customerId) refs.push({ type: 'contact', id: customerId })
  const messageId = text(data.message_id)
  if (messageId) refs.push({ type: 'message', id: messageId })
  const appointmentId = text(data.appointment_id)
  if (appointmentId) refs.push({ type: 'appointment', id: appointmentId })
  return refs
}
