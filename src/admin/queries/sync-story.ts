import type pg from 'pg'
import type { EntityRef } from '../../mirror/entity-ref.ts'
import type { CrmRecordRow } from './crm-records.ts'

export interface StoryDelivery { id: string, received_at: Date, event_type: string | null, status: string, error: string | null, trace_id: string | null }
export type StoryRecord = CrmRecordRow & { trace_id: string | null }
export interface StoryJob { queue: string, key: string, state: 'created' | 'retry' | 'active', created_on: Date, start_after: Date, retry_count: number }

const SHOWN = 50
const DELIVERY_COLUMNS = 'id, received_at, event_type, status, left(error, 300) AS error, trace_id'
// What an event is about; matches the expression index of migration 031.
const SUBJECT = "coalesce(payload->'data'->>'customer_id', payload->'data'->>'conversation_id')"

/** Deliveries about one customer or its conversations, newest first. */
export async function deliveriesAbout (db: pg.Pool, subjects: string[]): Promise<StoryDelivery[]> {
  const { rows } = await db.query<StoryDelivery>(`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_events
    WHERE payload IS NOT NULL AND ${SUBJECT} = ANY($1::text[])
    ORDER BY received_at DESC, id DESC LIMIT ${SHOWN}`, [subjects])
  return rows
}

/**
 * Deliveries that name `term` but never reached the mirror (so no customer matched it): about
 * it, or not applied yet and carrying it as a message or appointment id.
 */
export async function unappliedDeliveriesNaming (db: pg.Pool, term: string): Promise<StoryDelivery[]> {
  const { rows } = await db.query<StoryDelivery>(`
    SELECT ${DELIVERY_COLUMNS} FROM webhook_events
    WHERE payload IS NOT NULL AND (${SUBJECT} = $1 OR (status IN ('received', 'waiting', 'failed')
      AND $1 IN (payload->'data'->>'message_id', payload->'data'->>'appointment_id', payload->'data'->>'customer_id')))
    ORDER BY received_at DESC, id DESC LIMIT ${SHOWN}`, [term])
  return rows
}

/** The customer's entities: its contact, and its newest appointments and messages. */
export async function entitiesOf (db: pg.Pool, customerId: string): Promise<{ conversations: string[], refs: EntityRef[] }> {
  const [conversations, appointments, messages] = await Promise.all([
    db.query<{ id: string }>('SELECT id FROM conversations WHERE customer_id = $1 ORDER BY last_event_at DESC', [customerId]),
    db.query<{ id: string }>(`SELECT id FROM appointments WHERE customer_id = $1 ORDER BY starts_at DESC LIMIT ${SHOWN}`, [customerId]),
    db.query<{ id: string }>(`SELECT m.id FROM messages m JOIN conversations v ON v.id = m.conversation_id
      WHERE v.customer_id = $1 ORDER BY m.sent_at DESC LIMIT ${SHOWN}`, [customerId])
  ])
  return {
    conversations: conversations.rows.map((row) => row.id),
    refs: [
      { type: 'contact', id: customerId },
      ...appointments.rows.map((row) => ({ type: 'appointment' as const, id: row.id })),
      ...messages.rows.map((row) => ({ type: 'message' as const, id: row.id }))
    ]
  }
}

export async function recordsWithTraces (db: pg.Pool, refs: EntityRef[]): Promise<StoryRecord[]> {
  const { rows } = await db.query<StoryRecord>(`
    SELECT crm, entity_type, entity_id, status, crm_id, attempts, last_error, synced_at, last_attempt_at, trace_id
    FROM crm_records WHERE (entity_type, entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
  [refs.map((ref) => ref.type), refs.map((ref) => ref.id)])
  return rows
}

/** Sync jobs of these entities that are waiting, retrying or running (pg-boss's job table). */
export async function liveSyncJobs (db: pg.Pool, queues: string[], refs: EntityRef[]): Promise<StoryJob[]> {
  const { rows } = await db.query<StoryJob>(`
    SELECT name AS queue, singleton_key AS key, state, created_on, start_after, retry_count FROM pgboss.job
    WHERE name = ANY($1::text[]) AND singleton_key = ANY($2::text[]) AND state IN ('created', 'retry', 'active')`,
  [queues, refs.map((ref) => `${ref.type}:${ref.id}`)])
  return rows
}
